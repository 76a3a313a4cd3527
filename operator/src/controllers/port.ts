import type { Logger } from "../../../common/log.ts";
import type { OperatorConfig } from "../config.ts";
import type { ChildAction } from "../core/types.ts";
import type { EventSpec } from "../k8s/events.ts";
import type { KubeObject } from "../api/kube-object.ts";
import type { Clock } from "../runtime/clock.ts";
import type { MlflowClients } from "./mlflow-registry.ts";

/** One kind of object the controllers read: a cache kept current by its backend. */
export interface ObjectSource {
  get(namespace: string, name: string): KubeObject | undefined;
  list(namespace?: string): KubeObject[];
  /** Called on every add, update and delete (level-triggered: only the object is passed on). */
  on(handler: (obj: KubeObject) => void): void;
}

/** Everything a reconcile observes: the two custom resources and the children they control. */
export interface WorldSources {
  readonly trainingRuns: ObjectSource;
  readonly sentimentModels: ObjectSource;
  readonly jobs: ObjectSource;
  /** Trainer pods only (their termination message carries the metrics summary). */
  readonly pods: ObjectSource;
  readonly deployments: ObjectSource;
  readonly services: ObjectSource;
  readonly pvcs: ObjectSource;
  readonly hpas: ObjectSource;
  readonly pdbs: ObjectSource;
  readonly networkPolicies: ObjectSource;
  /** Present only while ServiceMonitors can be managed. */
  readonly serviceMonitors: ObjectSource | undefined;
}

/**
 * The runtime port (cluster-api CAPD's "same core, a different realizer"): the controllers observe
 * a world and act on it through this interface, and two backends implement it:
 * - Kubernetes (`kube-port.ts`): informer caches in, server-side apply, status patches and Events out;
 * - compose (`../compose/local-port.ts`): a durable state directory, with local processes realizing
 *   the Jobs and Deployments the core renders.
 * `decideTrainingRun`, `decideSentimentModel`, the gate, conditions and events are the same for both.
 */
export interface ClusterPort {
  readonly sources: WorldSources;
  /** Carries out a plan. Every action is idempotent; throws the first failure (the key is retried). */
  act(actions: readonly ChildAction[], owner: string): Promise<void>;
  /** Writes `status` of `live` if it differs; returns whether it wrote. */
  writeStatus(live: KubeObject, status: unknown): Promise<boolean>;
  /** Best effort: never throws. */
  recordEvent(regarding: KubeObject, event: EventSpec): Promise<void>;
}

/** What a reconciler needs: the port, the configuration and a clock. */
export interface ReconcilerDeps {
  readonly port: ClusterPort;
  readonly config: OperatorConfig;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** MLflow clients by tracking URI, for the registry. @default from the operator's MLFLOW_TRACKING_* env */
  readonly mlflowClients?: MlflowClients;
}
