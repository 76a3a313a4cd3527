import type { Logger } from "../../../common/log.ts";
import { realClock, type Cancel, type Clock } from "../runtime/clock.ts";
import { isNotFound, type KubeClient } from "./client.ts";
import type { ResourceType } from "./resources.ts";

/** Whether the apiserver serves `res` (for a CRD: whether it is installed and established). */
export async function isServed(client: KubeClient, res: ResourceType): Promise<boolean> {
  const path = res.group ? `/apis/${res.group}/${res.version}` : `/api/${res.version}`;
  try {
    const list = await client.request<{ resources?: { name?: string }[] }>({ method: "GET", path });
    return (list.resources ?? []).some((r) => r.name === res.plural);
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

/**
 * Watches, by discovery, whether an optional API (the ServiceMonitor CRD of the Prometheus
 * operator) is served, re-checking every `recheckMs`; `onChange` hears every flip, including the
 * first answer. Discovery needs no RBAC beyond what every authenticated user has.
 */
export class ApiAvailability {
  readonly #client: KubeClient;
  readonly #res: ResourceType;
  readonly #recheckMs: number;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  #available: boolean | undefined;
  #cancel: Cancel | undefined;
  #stopped = true;

  constructor(
    client: KubeClient,
    res: ResourceType,
    opts: { readonly recheckMs?: number; readonly clock?: Clock; readonly logger?: Logger } = {},
  ) {
    this.#client = client;
    this.#res = res;
    this.#recheckMs = opts.recheckMs ?? 60_000;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger;
  }

  /** The last answer; `undefined` before the first check succeeded. */
  get available(): boolean | undefined {
    return this.#available;
  }

  /** Checks now, then every `recheckMs` until `stop`. Resolves after the first check. */
  async start(onChange: (available: boolean) => void): Promise<void> {
    this.#stopped = false;
    const check = async (): Promise<void> => {
      try {
        const now = await isServed(this.#client, this.#res);
        if (!this.#stopped && now !== this.#available) {
          this.#available = now;
          this.#logger?.info(now ? "Found optional API" : "Optional API is not served", {
            resource: `${this.#res.plural}.${this.#res.group}`,
          });
          onChange(now);
        }
      } catch (e) {
        this.#logger?.warn("Failed to check an optional API", {
          resource: this.#res.plural,
          error: (e as Error).message,
        });
      }
      if (!this.#stopped) this.#cancel = this.#clock.after(this.#recheckMs, () => void check());
    };
    await check();
  }

  stop(): void {
    this.#stopped = true;
    this.#cancel?.();
  }
}
