import type { V1EnvVar, V1Job, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { MLFLOW_ENV } from "../../../../common/mlflow/env.ts";
import { runMlflow, type MlflowTrackingSpec } from "../../api/tracking.ts";
import { LABELS, TRAINER_CONTAINER, jobName, trainerSelector } from "../../api/names.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import type { OperatorConfig } from "../../config.ts";
import { defined } from "./defined.ts";
import { childMeta, standardLabels } from "./meta.ts";
import { containerResources } from "./resources.ts";
import { TMP_MOUNT, TMP_VOLUME, containerSecurityContext, podSecurityContext } from "./security.ts";
import { TERMINATION_LOG, trainerArgs } from "./trainer-args.ts";

/**
 * MLflow credentials from the run's Secret, as the environment variables every MLflow client reads.
 * Each key is optional (a token, or a username and password); the values never appear in the Job.
 */
function mlflowCredentialsEnv(mlflow: MlflowTrackingSpec | undefined): V1EnvVar[] {
  const secret = mlflow?.credentialsSecret;
  if (secret === undefined) return [];
  return [MLFLOW_ENV.username, MLFLOW_ENV.password, MLFLOW_ENV.token].map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: secret, key, optional: true } },
  }));
}

/** Where a run's artifact goes: the claim and the directory inside it (see core/training-run/output.ts). */
export interface JobOutput {
  readonly claimName: string;
  readonly path: string;
}

/**
 * The Job of a TrainingRun. Deterministic (its template is immutable once created): one pod
 * (`completions: 1`), `restartPolicy: Never` so every retry is a new pod counted in `attempts`,
 * run policy (`backoffLimit`, `activeDeadlineSeconds`, `ttlSecondsAfterFinished`, `suspend`) from
 * the spec. The pod is non-root with a read-only root filesystem, an emptyDir /tmp, the output
 * claim mounted read-write at the model mount path, and a `pvc` dataset mounted read-only. The
 * trainer writes its metrics summary to /dev/termination-log (`FallbackToLogsOnError`).
 */
export function buildJob(run: TrainingRun, output: JobOutput, config: OperatorConfig): V1Job {
  const { spec } = run;
  const name = jobName(run.metadata.name);
  const labels = {
    ...standardLabels("sentiment-trainer", run.metadata.name, "training"),
    [LABELS.trainingRun]: run.metadata.name,
    ...(spec.model === undefined ? {} : { [LABELS.model]: spec.model }),
  };
  const volumes: V1Volume[] = [
    TMP_VOLUME,
    { name: "models", persistentVolumeClaim: { claimName: output.claimName } },
  ];
  const mounts: V1VolumeMount[] = [TMP_MOUNT, { name: "models", mountPath: config.modelMountPath }];
  let data: string = spec.dataset.source === "url" ? (spec.dataset.url ?? "") : "imdb";
  if (spec.dataset.source === "pvc" && spec.dataset.claimName !== undefined) {
    volumes.push({
      name: "data",
      persistentVolumeClaim: { claimName: spec.dataset.claimName, readOnly: true },
    });
    mounts.push({ name: "data", mountPath: config.dataMountPath, readOnly: true });
    data =
      spec.dataset.path === undefined ? config.dataMountPath : `${config.dataMountPath}/${spec.dataset.path}`;
  }
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: childMeta(run, name, labels),
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: spec.backoffLimit,
      suspend: spec.suspend,
      ...(spec.activeDeadlineSeconds === undefined
        ? {}
        : { activeDeadlineSeconds: spec.activeDeadlineSeconds }),
      ...(spec.ttlSecondsAfterFinished === undefined
        ? {}
        : { ttlSecondsAfterFinished: spec.ttlSecondsAfterFinished }),
      template: {
        metadata: { labels: { ...labels, ...trainerSelector(run.metadata.name) } },
        spec: {
          restartPolicy: "Never",
          securityContext: podSecurityContext(),
          automountServiceAccountToken: false,
          ...(spec.serviceAccountName === undefined ? {} : { serviceAccountName: spec.serviceAccountName }),
          ...(spec.nodeSelector === undefined ? {} : { nodeSelector: spec.nodeSelector }),
          ...(spec.tolerations === undefined ? {} : { tolerations: defined(spec.tolerations) }),
          volumes,
          containers: [
            {
              name: TRAINER_CONTAINER,
              image: spec.image ?? config.trainerImage,
              imagePullPolicy: config.imagePullPolicy,
              args: trainerArgs(spec, {
                data,
                out: `${config.modelMountPath}/${output.path}`,
                name: spec.model ?? run.metadata.name,
                trainingRun: `${run.metadata.namespace}/${run.metadata.name}`,
                mlflow: runMlflow(spec, config.mlflowTrackingUri),
              }),
              env: [{ name: "HOME", value: "/tmp" }, ...mlflowCredentialsEnv(spec.tracking?.mlflow)],
              resources: containerResources(spec.resources, config.defaultTrainerResources),
              securityContext: containerSecurityContext(),
              terminationMessagePath: TERMINATION_LOG,
              terminationMessagePolicy: "FallbackToLogsOnError",
              volumeMounts: mounts,
            },
          ],
        },
      },
    },
  };
}
