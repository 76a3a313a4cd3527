import type {
  V1Deployment,
  V1Job,
  V1PersistentVolumeClaim,
  V1PodDisruptionBudget,
  V1Pod,
  V1Service,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import type { NamedKubeObject } from "../api/kube-object.ts";
import type { SentimentModel, SentimentModelStatus } from "../api/sentiment-model.ts";
import type { TrainingRun, TrainingRunStatus } from "../api/training-run.ts";
import type { WireNetworkPolicy } from "../render/k8s/network-policy.ts";
import type { ServiceMonitor } from "../render/k8s/service-monitor.ts";

/** Names one object: enough for a delete or a patch. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * What the shell must do to one child. Plans are data: the core never calls the API.
 * - `apply`: server-side apply of `object` with the operator's field manager (force: true).
 *   `reason` says whether the child is missing (`create`) or differs from desired (`update`).
 * - `patch`: a JSON merge patch (`application/merge-patch+json`) of a field that must change
 *   without re-applying the whole object (a Job's immutable template: only `spec.suspend`).
 * - `delete`: remove a child the spec no longer wants (e.g. the HPA when autoscaling is turned off).
 */
export type ChildAction =
  | { readonly verb: "apply"; readonly reason: "create" | "update"; readonly object: NamedKubeObject }
  | {
      readonly verb: "patch";
      readonly reason: string;
      readonly ref: ObjectRef;
      readonly patch: Record<string, unknown>;
    }
  | { readonly verb: "delete"; readonly reason: string; readonly ref: ObjectRef };

/** A Kubernetes Event to record on the reconciled resource. Emitted only on transitions. */
export interface EventRecord {
  readonly type: "Normal" | "Warning";
  /** CamelCase, e.g. `JobCreated`, `Promoted`, `ServiceMonitorCRDNotInstalled`. */
  readonly reason: string;
  readonly message: string;
}

/** Common shape of every decision: act, write status (if `statusChanged`), record events, requeue. */
export interface Decision<S> {
  /**
   * Child writes, at most one per child. The Kubernetes shell sends them concurrently
   * (controllers/kube-port.ts; compose writes files one after another):
   * each is idempotent and children refer to each other only by name. Empty at steady state.
   */
  readonly actions: readonly ChildAction[];
  /** The whole new status, rebuilt from the world (plus recorded facts: see each decide function). */
  readonly status: S;
  readonly events: readonly EventRecord[];
  /** Reconcile again after this many seconds even without an event; undefined = only on events/resync. */
  readonly requeueAfterSeconds?: number;
}

/** What the shell observed for one TrainingRun. */
export interface TrainingRunWorld {
  /** The Job named `jobName(run)` in the run's namespace, when it exists and this run controls it. */
  readonly job: V1Job | undefined;
  /** The pods of that Job (label `job-name=<job>` or `batch.kubernetes.io/controller-uid`), any phase. */
  readonly pods: readonly V1Pod[];
  /** The SentimentModel named by `spec.model`, when set and it exists: its PVC and served metrics. */
  readonly model: SentimentModel | undefined;
}

export type TrainingRunDecision = Decision<TrainingRunStatus>;

/** The live children of one SentimentModel (found by name in its namespace; undefined = absent). */
export interface SentimentModelChildren {
  readonly deployment?: V1Deployment | undefined;
  readonly service?: V1Service | undefined;
  readonly hpa?: V2HorizontalPodAutoscaler | undefined;
  readonly pdb?: V1PodDisruptionBudget | undefined;
  readonly networkPolicy?: WireNetworkPolicy | undefined;
  readonly serviceMonitor?: ServiceMonitor | undefined;
  readonly pvc?: V1PersistentVolumeClaim | undefined;
}

/** What the shell observed for one SentimentModel. */
export interface SentimentModelWorld {
  /** The TrainingRuns of the model's namespace (the core keeps those whose spec.model names it). */
  readonly trainingRuns: readonly TrainingRun[];
  readonly children: SentimentModelChildren;
  /**
   * Whether `servicemonitors.monitoring.coreos.com` is served (API discovery) and, when it is, its
   * informer has synced; `undefined` while that is not known (discovery has not answered yet).
   */
  readonly serviceMonitorCrdInstalled: boolean | undefined;
}

export type SentimentModelDecision = Decision<SentimentModelStatus>;
