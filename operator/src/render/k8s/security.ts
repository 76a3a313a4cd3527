import type {
  V1PodSecurityContext,
  V1SecurityContext,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";

/**
 * Non-root numeric user of the training and serving pods (the images default to 65532; any non-root
 * uid works, as fsGroup makes the claims writable); Kubernetes checks runAsNonRoot against it.
 */
export const RUN_AS_USER = 10001;

/** Pod-level: non-root, fsGroup so the PVC is writable by that user, seccomp RuntimeDefault. */
export const podSecurityContext = (): V1PodSecurityContext => ({
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  fsGroup: RUN_AS_USER,
  seccompProfile: { type: "RuntimeDefault" },
});

/** Container-level: read-only root filesystem, no privilege escalation, every capability dropped. */
export const containerSecurityContext = (): V1SecurityContext => ({
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
});

/** The writable /tmp a read-only root filesystem needs. */
export const TMP_VOLUME: V1Volume = { name: "tmp", emptyDir: { sizeLimit: "1Gi" } };
export const TMP_MOUNT: V1VolumeMount = { name: "tmp", mountPath: "/tmp" };
