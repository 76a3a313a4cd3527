import type { Logger } from "../../../common/log.ts";
import { LABELS, MANAGED_BY } from "../api/names.ts";
import type { Clock } from "../runtime/clock.ts";
import type { KubeClient } from "./client.ts";
import { Informer } from "./informer.ts";
import { Resources, type ResourceType } from "./resources.ts";

/** Children carry this label (render/k8s/meta.ts); informers of children watch only those. */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
/** Only trainer pods are read (for their termination message). */
export const TRAINER_POD_SELECTOR = `${MANAGED_SELECTOR},${LABELS.name}=sentiment-trainer`;

export interface CacheOptions {
  /** Watch one namespace; omit for all. */
  readonly namespace?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
}

/**
 * Every informer the controllers read from: the two custom resources and their children. The
 * ServiceMonitor informer exists only while its CRD is served (`setServiceMonitors`).
 */
export class Caches {
  readonly trainingRuns: Informer;
  readonly sentimentModels: Informer;
  readonly jobs: Informer;
  readonly pods: Informer;
  readonly deployments: Informer;
  readonly services: Informer;
  readonly pvcs: Informer;
  readonly hpas: Informer;
  readonly pdbs: Informer;
  readonly networkPolicies: Informer;
  #serviceMonitors: Informer | undefined;
  #stopped = false;
  readonly #client: KubeClient;
  readonly #opts: CacheOptions;

  constructor(client: KubeClient, opts: CacheOptions = {}) {
    this.#client = client;
    this.#opts = opts;
    this.trainingRuns = this.#make(Resources.trainingRun);
    this.sentimentModels = this.#make(Resources.sentimentModel);
    this.jobs = this.#make(Resources.job, MANAGED_SELECTOR);
    this.pods = this.#make(Resources.pod, TRAINER_POD_SELECTOR);
    this.deployments = this.#make(Resources.deployment, MANAGED_SELECTOR);
    this.services = this.#make(Resources.service, MANAGED_SELECTOR);
    this.pvcs = this.#make(Resources.pvc, MANAGED_SELECTOR);
    this.hpas = this.#make(Resources.hpa, MANAGED_SELECTOR);
    this.pdbs = this.#make(Resources.pdb, MANAGED_SELECTOR);
    this.networkPolicies = this.#make(Resources.networkPolicy, MANAGED_SELECTOR);
  }

  /** The always-present informers. */
  get fixed(): readonly Informer[] {
    return [
      this.trainingRuns,
      this.sentimentModels,
      this.jobs,
      this.pods,
      this.deployments,
      this.services,
      this.pvcs,
      this.hpas,
      this.pdbs,
      this.networkPolicies,
    ];
  }

  get serviceMonitors(): Informer | undefined {
    return this.#serviceMonitors;
  }

  start(): void {
    for (const i of this.fixed) i.start();
  }

  /** Resolves once every fixed informer has listed (or when `signal` aborts). */
  async synced(signal?: AbortSignal): Promise<void> {
    const all = Promise.all(this.fixed.map((i) => i.synced()));
    if (!signal) return void (await all);
    await Promise.race([
      all,
      new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
    ]);
  }

  /** Resources whose first list has not arrived yet (for /readyz). */
  unsynced(): string[] {
    return this.fixed.filter((i) => !i.hasSynced).map((i) => i.resource.plural);
  }

  /**
   * Starts the ServiceMonitor informer when the CRD is served and stops it when not. Returns the
   * new informer (so the caller can route its events), or undefined.
   */
  async setServiceMonitors(served: boolean): Promise<Informer | undefined> {
    if (this.#stopped) return undefined;
    if (served && !this.#serviceMonitors) {
      this.#serviceMonitors = this.#make(Resources.serviceMonitor, MANAGED_SELECTOR);
      return this.#serviceMonitors;
    }
    if (!served && this.#serviceMonitors) {
      const old = this.#serviceMonitors;
      this.#serviceMonitors = undefined;
      await old.stop();
    }
    return undefined;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(
      [...this.fixed, ...(this.#serviceMonitors ? [this.#serviceMonitors] : [])].map((i) => i.stop()),
    );
  }

  #make(resource: ResourceType, labelSelector?: string): Informer {
    return new Informer(this.#client, {
      resource,
      ...(this.#opts.namespace ? { namespace: this.#opts.namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(this.#opts.logger ? { logger: this.#opts.logger } : {}),
      ...(this.#opts.clock ? { clock: this.#opts.clock } : {}),
    });
  }
}
