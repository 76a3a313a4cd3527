import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../../common/log.ts";
import type { OperatorConfig } from "./config.ts";
import { ControllerSet } from "./controllers/index.ts";
import { kubePort } from "./controllers/kube-port.ts";
import { Caches } from "./k8s/caches.ts";
import { KubeClient, type RequestHooks } from "./k8s/client.ts";
import { ApiAvailability } from "./k8s/discovery.ts";
import { EventRecorder } from "./k8s/events.ts";
import { LeaderElector, type ElectionEnd } from "./k8s/leader-election.ts";
import { kubeLeaseStore } from "./k8s/lease-store.ts";
import { RequestStats } from "./k8s/request-stats.ts";
import { Resources } from "./k8s/resources.ts";
import { realClock, type Clock } from "./runtime/clock.ts";
import type { Readiness } from "./server/app.ts";
import { OperatorMetrics } from "./server/metrics.ts";

export interface LeaderElectionOptions {
  readonly namespace: string;
  /** @default "sentiment-operator-leader" */
  readonly name?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface OperatorOptions {
  readonly kubeConfig: KubeConfig;
  readonly config: OperatorConfig;
  /** This replica's name in the Lease and in Events' reportingInstance. */
  readonly identity: string;
  readonly logger?: Logger;
  /** Watch one namespace; omit for all. */
  readonly namespace?: string;
  /** Concurrent reconciles per controller (reconciles wait on the API, not the CPU). @default 4 */
  readonly workers?: number;
  /** @default 600000 (10 minutes) */
  readonly resyncPeriodMs?: number;
  /** Omit to run without leader election (a single replica). */
  readonly leaderElection?: LeaderElectionOptions;
  /** How often to re-check whether the ServiceMonitor CRD is served. @default config.recheckSeconds */
  readonly serviceMonitorRecheckMs?: number;
  readonly metrics?: OperatorMetrics;
  /** Test seam, see KubeClient. */
  readonly requestHooks?: RequestHooks;
  readonly clock?: Clock;
}

type Role = "starting" | "standby" | "leader" | "stopped";

/**
 * The running operator: informers, the two controllers, optional leader election, and what the
 * probe server reports. Only the leader runs informers and controllers; a standby only campaigns.
 * `done` resolves when the operator stops: "stopped" after `stop()`, "lost" when it lost the lease
 * (the process should then exit and be restarted, as controller-runtime does).
 */
export class Operator {
  readonly client: KubeClient;
  readonly stats: RequestStats;
  readonly metrics: OperatorMetrics;
  readonly done: Promise<ElectionEnd>;
  readonly #opts: OperatorOptions;
  readonly #stop = new AbortController();
  readonly #elector: LeaderElector | undefined;
  #role: Role = "starting";
  #caches: Caches | undefined;
  #controllers: ControllerSet | undefined;
  #leading: Promise<void> | undefined;

  private constructor(client: KubeClient, metrics: OperatorMetrics, opts: OperatorOptions) {
    this.client = client;
    this.stats = client.stats;
    this.metrics = metrics;
    this.#opts = opts;
    const le = opts.leaderElection;
    this.#elector =
      le === undefined
        ? undefined
        : new LeaderElector({
            store: kubeLeaseStore(
              client,
              le.namespace,
              le.name ?? "sentiment-operator-leader",
              le.renewDeadlineMs ?? 10_000,
            ),
            identity: opts.identity,
            ...(le.leaseDurationMs === undefined ? {} : { leaseDurationMs: le.leaseDurationMs }),
            ...(le.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: le.renewDeadlineMs }),
            ...(le.retryPeriodMs === undefined ? {} : { retryPeriodMs: le.retryPeriodMs }),
            ...(opts.clock ? { clock: opts.clock } : {}),
            ...(opts.logger ? { logger: opts.logger } : {}),
          });
    this.done = this.#run();
  }

  /** Connects and starts: campaigns for the lease, or leads at once without leader election. */
  static async start(opts: OperatorOptions): Promise<Operator> {
    const metrics = opts.metrics ?? new OperatorMetrics();
    const stats = new RequestStats();
    metrics.countRequests(stats);
    const client = await KubeClient.create(opts.kubeConfig, {
      stats,
      ...(opts.requestHooks ? { hooks: opts.requestHooks } : {}),
    });
    return new Operator(client, metrics, opts);
  }

  get isLeader(): boolean {
    return this.#role === "leader";
  }

  /** The controllers while leading (for tests and the benchmark: queue depths, keys). */
  get controllers(): ControllerSet | undefined {
    return this.#controllers;
  }

  readiness(): Readiness {
    switch (this.#role) {
      case "standby":
        return {
          ready: true,
          role: "standby",
          detail: `Waiting for the leader lease; held by ${this.#elector?.observedLeader || "nobody"}`,
        };
      case "leader":
        return { ready: true, role: "leader", detail: "Caches synced; controllers running" };
      case "stopped":
        return { ready: false, role: "stopped", detail: "Shutting down" };
      default: {
        const missing = this.#caches?.unsynced() ?? [];
        return {
          ready: false,
          role: "starting",
          detail: missing.length ? `Caches not synced: ${missing.join(", ")}` : "Starting",
        };
      }
    }
  }

  /** Graceful shutdown: stop taking work, finish reconciles in flight, release the lease. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.done;
  }

  async #run(): Promise<ElectionEnd> {
    const log = this.#opts.logger;
    if (!this.#elector) {
      await this.#lead(this.#stop.signal);
      this.#finish();
      return "stopped";
    }
    this.#role = "standby";
    const end = await this.#elector.run(this.#stop.signal, {
      onStartedLeading: (lead) => {
        this.#leading = this.#lead(lead);
      },
      onStoppedLeading: () => {
        log?.info("Stopped leading", { identity: this.#opts.identity });
      },
    });
    await this.#leading;
    if (end === "stopped") await this.#elector.release();
    this.#finish();
    return end;
  }

  #finish(): void {
    this.#role = "stopped";
    this.metrics.setLeader(false);
    this.client.close();
  }

  /** Runs informers and controllers until `signal` aborts, then stops them (drained). */
  async #lead(signal: AbortSignal): Promise<void> {
    const opts = this.#opts;
    const clock = opts.clock ?? realClock;
    const log = opts.logger;
    this.#role = "starting";
    const caches = new Caches(this.client, {
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      ...(log ? { logger: log } : {}),
    });
    this.#caches = caches;
    const events = new EventRecorder(this.client, {
      instance: opts.identity,
      clock,
      ...(log ? { logger: log } : {}),
    });
    const controllers = new ControllerSet(
      {
        port: kubePort(this.client, caches, events, log),
        config: opts.config,
        clock,
        ...(log ? { logger: log } : {}),
      },
      { workers: opts.workers ?? 4, resyncPeriodMs: opts.resyncPeriodMs ?? 600_000, metrics: this.metrics },
    );
    const monitors = new ApiAvailability(this.client, Resources.serviceMonitor, {
      recheckMs: opts.serviceMonitorRecheckMs ?? opts.config.recheckSeconds * 1000,
      clock,
      ...(log ? { logger: log } : {}),
    });
    const stopAll = async (): Promise<void> => {
      monitors.stop();
      await controllers.stop();
      await caches.stop();
      this.#controllers = undefined;
    };

    caches.start();
    await caches.synced(signal);
    if (signal.aborted) return stopAll();
    log?.info("Synced caches", { namespace: opts.namespace ?? "(all)" });
    await monitors.start((served) => void this.#switchServiceMonitors(caches, controllers, served, signal));
    if (signal.aborted) return stopAll();
    this.#controllers = controllers;
    controllers.start();
    this.#role = "leader";
    this.metrics.setLeader(true);
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener("abort", () => resolve(), { once: true });
    });
    this.metrics.setLeader(false);
    await stopAll();
  }

  async #switchServiceMonitors(
    caches: Caches,
    controllers: ControllerSet,
    served: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    if (!served) {
      controllers.setServiceMonitorsReady(false);
      await caches.setServiceMonitors(false);
      return;
    }
    const inf = signal.aborted ? undefined : await caches.setServiceMonitors(true);
    if (!inf) return;
    controllers.routeServiceMonitors(inf);
    inf.start();
    await Promise.race([
      inf.synced(),
      new Promise((r) => signal.addEventListener("abort", r, { once: true })),
    ]);
    if (!signal.aborted) controllers.setServiceMonitorsReady(true);
  }
}
