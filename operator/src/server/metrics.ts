import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RequestStats } from "../k8s/request-stats.ts";
import type { ControllerMetrics } from "../runtime/controller.ts";

const PREFIX = "sentiment_operator_";

/**
 * The operator's Prometheus metrics, on their own Registry (never the global one): reconciles,
 * errors, duration and work-queue depth per controller, API requests by verb, resource and code,
 * leadership, and the process defaults (CPU, RSS, event-loop lag).
 */
export class OperatorMetrics {
  readonly registry: Registry;
  readonly #reconciles: Counter<"controller" | "result">;
  readonly #errors: Counter<"controller">;
  readonly #duration: Histogram<"controller">;
  readonly #depth: Gauge<"controller">;
  readonly #adds: Counter<"controller">;
  readonly #retries: Counter<"controller">;
  readonly #wait: Histogram<"controller">;
  readonly #requests: Counter<"verb" | "resource" | "code">;
  readonly #leader: Gauge;

  constructor(registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    collectDefaultMetrics({ register: registry, prefix: PREFIX });
    this.#reconciles = new Counter({
      name: `${PREFIX}reconcile_total`,
      help: "Reconciles by controller and result (success, requeue_after, error).",
      labelNames: ["controller", "result"],
      registers,
    });
    this.#errors = new Counter({
      name: `${PREFIX}reconcile_errors_total`,
      help: "Reconciles that failed and were retried with backoff.",
      labelNames: ["controller"],
      registers,
    });
    this.#duration = new Histogram({
      name: `${PREFIX}reconcile_duration_seconds`,
      help: "Time spent in one reconcile.",
      labelNames: ["controller"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#depth = new Gauge({
      name: `${PREFIX}workqueue_depth`,
      help: "Keys waiting in the work queue.",
      labelNames: ["controller"],
      registers,
    });
    this.#adds = new Counter({
      name: `${PREFIX}workqueue_adds_total`,
      help: "Keys added to the work queue (merged duplicates not counted).",
      labelNames: ["controller"],
      registers,
    });
    this.#retries = new Counter({
      name: `${PREFIX}workqueue_retries_total`,
      help: "Keys re-added with backoff after a failed reconcile.",
      labelNames: ["controller"],
      registers,
    });
    this.#wait = new Histogram({
      name: `${PREFIX}workqueue_wait_seconds`,
      help: "Time a key waited in the work queue before a worker took it.",
      labelNames: ["controller"],
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 10, 60],
      registers,
    });
    this.#requests = new Counter({
      name: `${PREFIX}kube_requests_total`,
      help: "Kubernetes API requests by verb, resource and HTTP code (0: no response).",
      labelNames: ["verb", "resource", "code"],
      registers,
    });
    this.#leader = new Gauge({
      name: `${PREFIX}leader`,
      help: "1 while this process holds the leader lease (or runs without leader election).",
      registers,
    });
  }

  /** The hooks one controller and its work queue report to. */
  forController(controller: string): ControllerMetrics {
    const l = { controller };
    this.#depth.set(l, 0);
    return {
      reconciled: (outcome, seconds) => {
        this.#reconciles.inc({ ...l, result: outcome });
        if (outcome === "error") this.#errors.inc(l);
        this.#duration.observe(l, seconds);
      },
      depth: (d) => this.#depth.set(l, d),
      added: () => this.#adds.inc(l),
      retried: () => this.#retries.inc(l),
      waited: (s) => this.#wait.observe(l, s),
    };
  }

  /** Counts every request recorded in `stats` from now on. */
  countRequests(stats: RequestStats): void {
    stats.onRecord((r) => this.#requests.inc({ verb: r.verb, resource: r.resource, code: String(r.code) }));
  }

  setLeader(leading: boolean): void {
    this.#leader.set(leading ? 1 : 0);
  }
}
