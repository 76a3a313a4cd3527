import type { V1Deployment, V1EnvVar, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import {
  LABELS,
  MODEL_VERSION_ANNOTATION,
  SERVER_CONTAINER,
  SERVER_PORT_NAME,
  serverName,
  serverSelector,
} from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { OperatorConfig } from "../../config.ts";
import { childMeta, standardLabels } from "./meta.ts";
import { containerResources } from "./resources.ts";
import { TMP_MOUNT, TMP_VOLUME, containerSecurityContext, podSecurityContext } from "./security.ts";
import type { ServedArtifact } from "./served-artifact.ts";
import { serverEnv } from "./server-env.ts";

export const AUTH_MOUNT_PATH = "/var/run/secrets/sentiment-auth";

/** Labels of the model's server objects (Deployment, Service, ...): selector labels plus the standard set. */
export const serverLabels = (model: SentimentModel, version?: string): Record<string, string> => ({
  ...standardLabels("sentiment-server", model.metadata.name, "serving", version),
  [LABELS.model]: model.metadata.name,
});

/**
 * The model server Deployment.
 * - `replicas` is OMITTED when autoscaling is on, so the HPA owns it and the operator never fights it.
 * - RollingUpdate with `maxUnavailable: 0`: a new version starts beside the old one.
 * - The pod template changes only when the served version or the spec changes: its one annotation
 *   is the model version, never a timestamp.
 * - The model claim is mounted read-only at the model mount path; SENTIMENT_SERVE_MODEL points at the version.
 * - Liveness `/health`, readiness `/ready`; non-root, read-only root filesystem, emptyDir /tmp.
 */
export function buildDeployment(
  model: SentimentModel,
  served: ServedArtifact,
  config: OperatorConfig,
): V1Deployment {
  const { spec } = model;
  const auth = spec.server.auth;
  const volumes: V1Volume[] = [
    TMP_VOLUME,
    { name: "models", persistentVolumeClaim: { claimName: served.claimName, readOnly: true } },
  ];
  const mounts: V1VolumeMount[] = [
    TMP_MOUNT,
    { name: "models", mountPath: config.modelMountPath, readOnly: true },
  ];
  if (auth !== undefined) {
    volumes.push({
      name: "auth",
      secret: { secretName: auth.secretName, items: [{ key: auth.key, path: "token" }] },
    });
    mounts.push({ name: "auth", mountPath: AUTH_MOUNT_PATH, readOnly: true });
  }
  const env: V1EnvVar[] = serverEnv(
    model,
    `${config.modelMountPath}/${served.path}`,
    config.serverPort,
    auth === undefined ? undefined : `${AUTH_MOUNT_PATH}/token`,
  );
  const httpGet = (path: string) => ({ httpGet: { path, port: SERVER_PORT_NAME } });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: childMeta(model, serverName(model.metadata.name), serverLabels(model)),
    spec: {
      ...(spec.autoscaling.enabled ? {} : { replicas: spec.replicas }),
      selector: { matchLabels: serverSelector(model.metadata.name) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: serverLabels(model, served.version),
          annotations: { [MODEL_VERSION_ANNOTATION]: served.version },
        },
        spec: {
          securityContext: podSecurityContext(),
          automountServiceAccountToken: false,
          volumes,
          containers: [
            {
              name: SERVER_CONTAINER,
              image: spec.server.image ?? config.serverImage,
              imagePullPolicy: config.imagePullPolicy,
              ports: [{ name: SERVER_PORT_NAME, containerPort: config.serverPort, protocol: "TCP" }],
              env,
              resources: containerResources(spec.server.resources, config.defaultServerResources),
              securityContext: containerSecurityContext(),
              livenessProbe: { ...httpGet("/health"), periodSeconds: 10, failureThreshold: 3 },
              readinessProbe: { ...httpGet("/ready"), periodSeconds: 5, failureThreshold: 2 },
              startupProbe: { ...httpGet("/health"), periodSeconds: 2, failureThreshold: 60 },
              volumeMounts: mounts,
            },
          ],
        },
      },
    },
  };
}
