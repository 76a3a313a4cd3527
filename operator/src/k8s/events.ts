import { randomBytes } from "node:crypto";
import type { Logger } from "../../../common/log.ts";
import { realClock, type Clock } from "../runtime/clock.ts";
import type { KubeClient } from "./client.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { Resources, resourcePath } from "./resources.ts";

export const REPORTING_CONTROLLER = "sentiment.mlops.dev/operator";

export interface EventSpec {
  readonly type: "Normal" | "Warning";
  /** CamelCase, e.g. "Promoted" or "ServiceMonitorCRDNotInstalled". */
  readonly reason: string;
  /** What happened, for a human. At most 1 KiB is kept. */
  readonly note: string;
  /** What the operator did, e.g. "Reconcile". @default "Reconcile" */
  readonly action?: string;
}

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * Records events.k8s.io/v1 Events about an object. Best effort: a failed write is logged, never
 * thrown, so events can't fail a reconcile. The same event for the same object is sent at most
 * once per `dedupeMs`, so a reconcile that is retried does not spam `kubectl describe`.
 */
export class EventRecorder {
  readonly #client: KubeClient;
  readonly #instance: string;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #dedupeMs: number;
  readonly #sent = new Map<string, number>();

  constructor(
    client: KubeClient,
    opts: {
      readonly instance: string;
      readonly clock?: Clock;
      readonly logger?: Logger;
      readonly dedupeMs?: number;
    },
  ) {
    this.#client = client;
    this.#instance = opts.instance;
    this.#clock = opts.clock ?? realClock;
    this.#logger = opts.logger;
    this.#dedupeMs = opts.dedupeMs ?? 10 * 60_000;
  }

  async record(regarding: KubeObject, ev: EventSpec): Promise<void> {
    const meta = regarding.metadata ?? {};
    const now = this.#clock.now();
    const key = [meta.uid, ev.type, ev.reason, ev.note].join("\u0000");
    const last = this.#sent.get(key);
    if (last !== undefined && now - last < this.#dedupeMs) return;
    this.#sent.set(key, now);
    if (this.#sent.size > 10_000) this.#prune(now);
    const namespace = meta.namespace ?? "default";
    const body = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: `${meta.name ?? "object"}.${randomBytes(8).toString("hex")}`, namespace },
      eventTime: microTime(now),
      reportingController: REPORTING_CONTROLLER,
      reportingInstance: this.#instance,
      action: ev.action ?? "Reconcile",
      reason: ev.reason,
      note: ev.note.slice(0, 1024),
      type: ev.type,
      regarding: {
        apiVersion: regarding.apiVersion,
        kind: regarding.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
    };
    try {
      await this.#client.request({
        method: "POST",
        path: resourcePath(Resources.event, { namespace }),
        body,
      });
    } catch (e) {
      this.#sent.delete(key);
      this.#logger?.warn("Failed to record event", {
        object: `${namespace}/${meta.name ?? ""}`,
        reason: ev.reason,
        error: (e as Error).message,
      });
    }
  }

  #prune(now: number): void {
    for (const [k, t] of this.#sent) if (now - t >= this.#dedupeMs) this.#sent.delete(k);
  }
}
