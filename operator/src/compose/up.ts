import { readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Logger } from "../../../common/log.ts";
import { defaultOperatorConfig, type OperatorConfig } from "../config.ts";
import { ControllerSet } from "../controllers/index.ts";
import type { TRAINING_RUN, SENTIMENT_MODEL } from "../api/group.ts";
import { Resources } from "../k8s/resources.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { realClock } from "../runtime/clock.ts";
import { OperatorMetrics } from "../server/metrics.ts";
import { UserError } from "./apply.ts";
import { collectGarbage } from "./gc.ts";
import { JobRunner } from "./job-runner.ts";
import { localPort } from "./local-port.ts";
import { isAlive, ProcessTable } from "./processes.ts";
import { StateStore } from "./store.ts";
import { DeploymentRunner } from "./deployment-runner.ts";
import { Autoscaler } from "./autoscaler.ts";
import { ServiceRunner } from "./front.ts";
import { composeMlflow, type MlflowHandle } from "./mlflow.ts";

export interface ComposeOptions {
  readonly stateDir: string;
  readonly logger?: Logger;
  /** The environment the trainer and servers inherit (SENTIMENT_IMDB_PATH, XDG_CACHE_HOME, ...). */
  readonly env?: NodeJS.ProcessEnv;
  /** How often the state directory is re-read for other processes' writes. @default 500 */
  readonly scanMs?: number;
  readonly config?: Partial<OperatorConfig>;
  readonly metrics?: OperatorMetrics;
  /** Address of the front ports (and the operator's metrics). @default "127.0.0.1" */
  readonly address?: string;
  /** Where to report a problem the user must fix (a front port in use). @default logger.error */
  readonly onProblem?: (line: string) => void;
  /** Start a local MLflow server for runs without `spec.tracking.mlflow` (else MLFLOW_TRACKING_URI). */
  readonly mlflow?: boolean;
  /** How often the HPA recomputes replicas (kube-controller-manager's sync period). @default 15000 */
  readonly hpaSyncPeriodMs?: number;
}

const LOCK = "up.pid";

/** The PID of a running `compose up` on this state directory, if any. */
export function runningUp(stateDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(`${stateDir}/${LOCK}`, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmd.includes("compose") || cmd.includes("start") ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The local control plane of compose mode: the SAME two controllers as in Kubernetes (over the
 * compose port), plus what Kubernetes would add around them: the Job runner (trainers), the
 * Deployment runner (servers, front ports, autoscaling) and garbage collection of children whose
 * owner is gone. Starting reaps what an earlier `up` left running and resumes from the state
 * directory; `stop` stops every process it started.
 */
export class Compose {
  readonly store: StateStore;
  readonly processes: ProcessTable;
  readonly jobs: JobRunner;
  readonly deployments: DeploymentRunner;
  readonly services: ServiceRunner;
  readonly autoscaler: Autoscaler;
  readonly controllers: ControllerSet;
  readonly metrics: OperatorMetrics;
  readonly mlflow: MlflowHandle;
  readonly #opts: ComposeOptions;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(opts: ComposeOptions, store: StateStore, procs: ProcessTable, mlflow: MlflowHandle) {
    this.#opts = opts;
    this.mlflow = mlflow;
    this.store = store;
    this.processes = procs;
    const env = opts.env ?? process.env;
    const logger = opts.logger;
    this.metrics = opts.metrics ?? new OperatorMetrics();
    this.jobs = new JobRunner(store, procs, env, logger);
    this.deployments = new DeploymentRunner(store, procs, env, logger);
    this.services = new ServiceRunner(store, (ns, selector) => this.deployments.endpoints(ns, selector), {
      logger,
      onError: opts.onProblem ?? ((line) => logger?.error(line)),
      ...(opts.address === undefined ? {} : { address: opts.address }),
    });
    this.autoscaler = new Autoscaler(
      store,
      (ns, name) => this.deployments.replicasOf(ns, name),
      logger,
      opts.hpaSyncPeriodMs,
    );
    const config = defaultOperatorConfig({
      ...opts.config,
      serviceAddress: "localhost",
      ...(mlflow.trackingUri === undefined ? {} : { mlflowTrackingUri: mlflow.trackingUri }),
    });
    this.controllers = new ControllerSet(
      { port: localPort(store, realClock, logger), config, clock: realClock, ...(logger ? { logger } : {}) },
      { workers: 2, resyncPeriodMs: 60_000, metrics: this.metrics },
    );
    this.controllers.setServiceMonitorsReady(true);
    store.on(Resources.job.plural, () => this.#kick());
    for (const r of [Resources.deployment, Resources.service, Resources.hpa])
      store.on(r.plural, () => this.#kick());
  }

  /** Reaps leftovers, takes the state directory's lock, starts the loops. */
  static async start(opts: ComposeOptions): Promise<Compose> {
    const store = new StateStore(opts.stateDir);
    const other = runningUp(opts.stateDir);
    if (other !== undefined)
      throw new UserError(
        `compose up is already running on ${opts.stateDir} (PID ${other}): stop it with "sentiment-operator compose down" first`,
      );
    writeFileSync(store.path(LOCK), `${process.pid}\n`);
    const procs = new ProcessTable(opts.stateDir);
    const reaped = await procs.reap();
    if (reaped.length > 0)
      opts.logger?.warn("Stopped processes left by an earlier compose up", {
        pids: reaped.map((r) => r.pid).join(","),
      });
    const mlflow = await composeMlflow({
      start: opts.mlflow ?? false,
      stateDir: opts.stateDir,
      processes: procs,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const compose = new Compose(opts, store, procs, mlflow);
    compose.#start();
    return compose;
  }

  #start(): void {
    this.controllers.start();
    this.#tick();
  }

  #kickPending = false;
  #kick(): void {
    if (this.#kickPending || this.#stopped) return;
    this.#kickPending = true;
    setImmediate(() => {
      this.#kickPending = false;
      if (!this.#stopped) this.#sync();
    });
  }

  #sync(): void {
    try {
      collectGarbage(this.store, this.#opts.logger);
      this.jobs.sync();
      this.autoscaler.sync();
      this.deployments.sync();
      this.services.sync();
    } catch (e) {
      this.#opts.logger?.error("Failed to sync local runtime", { error: (e as Error).message });
    }
  }

  #tick(): void {
    if (this.#stopped) return;
    this.store.rescan();
    this.#sync();
    this.#timer = setTimeout(() => this.#tick(), this.#opts.scanMs ?? 500);
  }

  /** Objects of one kind, for printing. */
  list(kind: typeof TRAINING_RUN.plural | typeof SENTIMENT_MODEL.plural): KubeObject[] {
    return this.store.list(kind);
  }

  /** Stops the controllers, then every trainer and server (drained), and releases the lock. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.controllers.stop();
    await Promise.all([this.jobs.stop(), this.deployments.stop(), this.services.stop()]);
    await this.mlflow.stop();
    await this.processes.reap(5000);
    if (runningUp(this.store.dir) === undefined) rmSync(this.store.path(LOCK), { force: true });
  }
}
