import { makeInformer, type KubernetesListObject, type KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "../../../common/log.ts";
import { realClock, type Cancel, type Clock } from "../runtime/clock.ts";
import type { KubeClient } from "./client.ts";
import type { KubeList, KubeObject } from "../api/kube-object.ts";
import { resourcePath, type ResourceType } from "./resources.ts";

export type InformerEvent = "add" | "update" | "delete";
export type InformerHandler<T> = (obj: T, event: InformerEvent) => void;

export interface InformerOptions {
  readonly resource: ResourceType;
  /** Watch one namespace; omit for all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** First delay before restarting a failed list or watch; doubles up to 30 s. @default 1000 */
  readonly restartDelayMs?: number;
  /** Page size of the initial list. @default 500 */
  readonly pageSize?: number;
}

/**
 * A cache of one resource type kept current by client-node's `makeInformer` (list, then watch from
 * the list's resourceVersion; a 410 Gone relists). What client-node leaves out is added here:
 * - a failed list or watch is restarted with backoff instead of stopping (never `process.exit`);
 * - the list is paginated and counted in the client's request stats, as is every watch;
 * - watches carry `timeoutSeconds` (5-10 minutes, as client-go) so a silently dead connection is
 *   replaced, and `allowWatchBookmarks`;
 * - `synced()` resolves once the first list is in the cache.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly resource: ResourceType;
  readonly #inner: ReturnType<typeof makeInformer<KubernetesObject>>;
  readonly #opts: InformerOptions;
  readonly #client: KubeClient;
  readonly #clock: Clock;
  readonly #synced = Promise.withResolvers<void>();
  #isSynced = false;
  #failures = 0;
  #stopped = true;
  #delay: number;
  #cancelRestart: Cancel | undefined;

  constructor(client: KubeClient, opts: InformerOptions) {
    this.resource = opts.resource;
    this.#opts = opts;
    this.#client = client;
    this.#clock = opts.clock ?? realClock;
    this.#delay = opts.restartDelayMs ?? 1000;
    const base = resourcePath(opts.resource, opts.namespace ? { namespace: opts.namespace } : {});
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    const watchPath = `${base}?allowWatchBookmarks=true&timeoutSeconds=${timeoutSeconds}`;
    this.#inner = makeInformer<KubernetesObject>(
      client.kubeConfig,
      watchPath,
      () => this.#list(base),
      opts.labelSelector,
    );
    // "connect" fires before each (re)list-and-watch: count the watch request it leads to.
    this.#inner.on("connect", () =>
      client.stats.record({ verb: "watch", resource: opts.resource.plural, code: 0 }),
    );
    this.#inner.on("error", (err: unknown) => this.#restartLater(err));
  }

  /** Registers a handler for adds, updates and deletes (including those replayed by a relist). */
  on(handler: InformerHandler<T>): void {
    this.#inner.on("add", (o) => handler(o as unknown as T, "add"));
    this.#inner.on("update", (o) => handler(o as unknown as T, "update"));
    this.#inner.on("delete", (o) => handler(o as unknown as T, "delete"));
  }

  /** Starts listing and watching; resolves at once. Await `synced()` for a filled cache. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.#startInner();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelRestart?.();
    await this.#inner.stop();
  }

  /** Resolves once the first list has been stored in the cache. */
  synced(): Promise<void> {
    return this.#synced.promise;
  }

  get hasSynced(): boolean {
    return this.#isSynced;
  }

  get(namespace: string, name: string): T | undefined {
    return this.#inner.get(name, namespace) as T | undefined;
  }

  /** Cached objects of one namespace, or of all when `namespace` is omitted. */
  list(namespace?: string): T[] {
    return this.#inner.list(namespace) as unknown as T[];
  }

  async #startInner(): Promise<void> {
    const failuresBefore = this.#failures;
    await this.#inner.start();
    if (this.#stopped || this.#failures !== failuresBefore) return; // #restartLater took over
    this.#delay = this.#opts.restartDelayMs ?? 1000;
    if (!this.#isSynced) {
      this.#isSynced = true;
      this.#synced.resolve();
    }
  }

  #restartLater(err: unknown): void {
    if (this.#stopped) return;
    this.#failures++;
    const delay = this.#delay;
    this.#delay = Math.min(30_000, delay * 2);
    this.#opts.logger?.warn("Restarting informer after a failed list or watch", {
      resource: this.resource.plural,
      error: err instanceof Error ? err.message : String(err),
      delayMs: delay,
    });
    this.#cancelRestart?.();
    this.#cancelRestart = this.#clock.after(delay, () => {
      if (!this.#stopped) void this.#startInner();
    });
  }

  async #list(path: string): Promise<KubernetesListObject<KubernetesObject>> {
    const items: KubeObject[] = [];
    let resourceVersion = "";
    let cont: string | undefined;
    do {
      const page = await this.#client.request<KubeList>({
        method: "GET",
        path,
        query: { labelSelector: this.#opts.labelSelector, limit: this.#opts.pageSize ?? 500, continue: cont },
      });
      items.push(...page.items);
      resourceVersion ||= page.metadata?.resourceVersion ?? "";
      cont = page.metadata?.continue || undefined;
    } while (cont);
    // Items of a list carry no kind; fill it in so handlers can rely on it.
    const kind = this.resource.kind;
    const apiVersion = this.resource.group
      ? `${this.resource.group}/${this.resource.version}`
      : this.resource.version;
    return {
      metadata: { resourceVersion },
      items: items.map((i) => ({ ...i, apiVersion, kind }) as unknown as KubernetesObject),
    };
  }
}
