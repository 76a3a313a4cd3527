import type { V1Deployment, V1Job, V1Pod } from "@kubernetes/client-node";
import { LABELS, TRAINER_CONTAINER, jobName } from "../api/names.ts";
import type { TrainingRun } from "../api/training-run.ts";
import { MODEL_VERSION_ANNOTATION } from "../api/names.ts";
import { REVISION_ANNOTATION } from "../core/sentiment-model/rollout.ts";
import type { Mod } from "./resources.ts";

/** Live objects as the informers give them (wire JSON: times are strings), for decision tests. */

export const T0 = new Date("2025-01-02T03:00:00Z");
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

/** The run's Job as the Job controller would show it; modifiers set its state. */
export function liveJob(run: TrainingRun, ...mods: Mod<V1Job>[]): V1Job {
  const job: V1Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName(run.metadata.name),
      namespace: run.metadata.namespace,
      uid: `job-${run.metadata.uid}`,
      ownerReferences: [
        {
          apiVersion: "sentiment.mlops.dev/v1alpha1",
          kind: "TrainingRun",
          name: run.metadata.name,
          uid: run.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: { suspend: run.spec.suspend, template: {} },
    status: {},
  };
  for (const m of mods) m(job);
  return job;
}

const cond = (type: string, reason?: string, message?: string) => ({
  type,
  status: "True",
  ...(reason === undefined ? {} : { reason }),
  ...(message === undefined ? {} : { message }),
  lastTransitionTime: at(60).toISOString() as unknown as Date,
});

export const jobActive =
  (ready = 1): Mod<V1Job> =>
  (j) => {
    j.status = { ...j.status, active: 1, ready, startTime: T0.toISOString() as unknown as Date };
  };
export const jobComplete =
  (completedAt = at(60)): Mod<V1Job> =>
  (j) => {
    j.status = {
      startTime: T0.toISOString() as unknown as Date,
      succeeded: 1,
      completionTime: completedAt.toISOString() as unknown as Date,
      conditions: [cond("SuccessCriteriaMet"), cond("Complete")],
    };
  };
export const jobFailed =
  (reason: string, failed = 2): Mod<V1Job> =>
  (j) => {
    j.status = {
      startTime: T0.toISOString() as unknown as Date,
      failed,
      conditions: [
        cond("FailureTarget", reason),
        cond("Failed", reason, `Job has reached the specified ${reason}`),
      ],
    };
  };

/** A trainer pod; `terminated(message)` ends it with exit 0 and a termination message. */
export function trainerPod(run: TrainingRun, phase: string, message?: string, exitCode = 0): V1Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${jobName(run.metadata.name)}-abcde`,
      namespace: run.metadata.namespace,
      labels: { [LABELS.trainingRun]: run.metadata.name },
    },
    status: {
      phase,
      containerStatuses:
        phase === "Succeeded" || phase === "Failed"
          ? [
              {
                name: TRAINER_CONTAINER,
                image: "trainer",
                imageID: "",
                ready: false,
                restartCount: 0,
                state: {
                  terminated: {
                    exitCode,
                    ...(message === undefined ? {} : { message }),
                    finishedAt: at(59).toISOString() as unknown as Date,
                  },
                },
              },
            ]
          : [],
    },
  };
}

/** A live Deployment from a desired one, with a rolled-out status (modifiers change it). */
export function liveDeployment(desired: V1Deployment, ...mods: Mod<V1Deployment>[]): V1Deployment {
  const copy = JSON.parse(JSON.stringify(desired)) as V1Deployment;
  const replicas = copy.spec?.replicas ?? 1;
  copy.metadata = {
    ...copy.metadata,
    generation: 1,
    annotations: { ...copy.metadata?.annotations, [REVISION_ANNOTATION]: "1" },
  };
  copy.status = {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      {
        type: "Available",
        status: "True",
        reason: "MinimumReplicasAvailable",
        message: "Deployment has minimum availability.",
      },
      {
        type: "Progressing",
        status: "True",
        reason: "NewReplicaSetAvailable",
        message: "ReplicaSet has successfully progressed.",
      },
    ],
  };
  for (const m of mods) m(copy);
  return copy;
}

export const rollingOut =
  (updated: number): Mod<V1Deployment> =>
  (d) => {
    d.status = {
      ...d.status,
      updatedReplicas: updated,
      conditions: [
        { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
        { type: "Progressing", status: "True", reason: "ReplicaSetUpdated" },
      ],
    };
  };

export const servingVersion = (d: V1Deployment): string | undefined =>
  d.spec?.template?.metadata?.annotations?.[MODEL_VERSION_ANNOTATION];
