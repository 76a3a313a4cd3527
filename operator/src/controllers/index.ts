import { SENTIMENT_MODEL, TRAINING_RUN } from "../api/group.ts";
import { objectKey, type KubeObject } from "../api/kube-object.ts";
import { Controller } from "../runtime/controller.ts";
import type { OperatorMetrics } from "../server/metrics.ts";
import type { ObjectSource, ReconcilerDeps, WorldSources } from "./port.ts";
import { modelKeyOfRun, ownerKey, trainerPodOwnerKey } from "./routing.ts";
import { sentimentModelReconciler } from "./sentiment-model.ts";
import { trainingRunReconciler } from "./training-run.ts";

export interface ControllerSetOptions {
  readonly workers: number;
  readonly resyncPeriodMs: number;
  readonly metrics?: OperatorMetrics;
}

/**
 * The two controllers (one per kind) and the routing of informer events to their queues:
 * - a TrainingRun event queues the run, and the SentimentModel it names (a promotion changes what
 *   the model serves);
 * - Job and trainer-pod events queue the run that controls them;
 * - a SentimentModel event queues the model (runs read their model only when they reconcile for
 *   their own reasons: the gate compares with what it serves at that moment);
 * - Deployment, Service, PVC, HPA, PDB, NetworkPolicy and ServiceMonitor events queue the model
 *   that controls them.
 */
export class ControllerSet {
  readonly trainingRun: Controller;
  readonly sentimentModel: Controller;
  /** Whether ServiceMonitors can be managed; undefined until discovery has answered. */
  #serviceMonitorsReady: boolean | undefined = undefined;
  readonly #sources: WorldSources;

  constructor(deps: ReconcilerDeps, opts: ControllerSetOptions) {
    this.#sources = deps.port.sources;
    const common = {
      workers: opts.workers,
      resyncPeriodMs: opts.resyncPeriodMs,
      clock: deps.clock,
      ...(deps.logger ? { logger: deps.logger } : {}),
    };
    this.trainingRun = new Controller({
      ...common,
      name: "trainingrun",
      reconcile: trainingRunReconciler(deps),
      listKeys: () => deps.port.sources.trainingRuns.list().map(objectKey),
      ...(opts.metrics ? { metrics: opts.metrics.forController("trainingrun") } : {}),
    });
    this.sentimentModel = new Controller({
      ...common,
      name: "sentimentmodel",
      reconcile: sentimentModelReconciler({
        ...deps,
        serviceMonitorsReady: () => this.#serviceMonitorsReady,
      }),
      listKeys: () => deps.port.sources.sentimentModels.list().map(objectKey),
      ...(opts.metrics ? { metrics: opts.metrics.forController("sentimentmodel") } : {}),
    });
    this.#route();
  }

  get all(): readonly Controller[] {
    return [this.trainingRun, this.sentimentModel];
  }

  start(): void {
    for (const c of this.all) c.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((c) => c.stop()));
  }

  /** Routes a (new) ServiceMonitor informer's events to the model controller. */
  routeServiceMonitors(inf: ObjectSource): void {
    this.#toModel(inf);
  }

  /** Tells the model controller whether ServiceMonitors can be managed, and re-checks every model. */
  setServiceMonitorsReady(ready: boolean): void {
    this.#serviceMonitorsReady = ready;
    for (const m of this.#sources.sentimentModels.list()) this.sentimentModel.enqueue(objectKey(m));
  }

  #route(): void {
    const c = this.#sources;
    const tr = this.trainingRun;
    const sm = this.sentimentModel;
    const enqueue = (ctl: Controller, key: string | undefined): void => {
      if (key !== undefined) ctl.enqueue(key);
    };
    c.trainingRuns.on((run) => {
      tr.enqueue(objectKey(run));
      enqueue(sm, modelKeyOfRun(run));
    });
    c.jobs.on((job) => enqueue(tr, ownerKey(job, TRAINING_RUN.kind)));
    c.pods.on((pod) => enqueue(tr, trainerPodOwnerKey(pod)));
    c.sentimentModels.on((model) => sm.enqueue(objectKey(model)));
    for (const inf of [c.deployments, c.services, c.pvcs, c.hpas, c.pdbs, c.networkPolicies])
      this.#toModel(inf);
  }

  #toModel(inf: ObjectSource): void {
    inf.on((child: KubeObject) => {
      const key = ownerKey(child, SENTIMENT_MODEL.kind);
      if (key !== undefined) this.sentimentModel.enqueue(key);
    });
  }
}
