/**
 * The one pinned list of versions for the test control plane. Change a version here and
 * everything else (cache key, build, `/version` assertions) follows.
 */
export const VERSIONS = {
  /** kube-apiserver, kube-controller-manager, kube-scheduler. Within one minor of the local kubectl. */
  kubernetes: "1.33.13",
  /** The etcd that kubeadm 1.33 ships (`DefaultEtcdVersion` in cmd/kubeadm constants). */
  etcd: "3.5.24",
  /** Fake kubelets: nodes and pods without containers. */
  kwok: "0.7.0",
  /** Helm 3.19 is built against Kubernetes 1.34 client libraries: supported for 1.31–1.34 clusters. */
  helm: "3.19.5",
  /**
   * Prometheus, for checking config/monitoring against a real server (not part of the control
   * plane). Prometheus 3.x is published to the Go module proxy as v0.3MM.P (v3.MM.P).
   */
  prometheus: "0.316.0",
} as const;

/**
 * A real node for `testenv:up --real-node` and the end-to-end suite: kubelet and kube-proxy of
 * `VERSIONS.kubernetes`, and metrics-server (its 0.8 line is built against the 1.33 libraries).
 * Kept out of `versionsKey` so the control-plane cache stays valid; built only when asked for.
 */
export const NODE_VERSIONS = { metricsServer: "0.8.1" } as const;

export const NODE_BINARIES = ["kubelet", "kube-proxy", "metrics-server"] as const;

export type NodeBinaryName = (typeof NODE_BINARIES)[number];

/** Directory name under the cache for the node binaries. */
export function nodeVersionsKey(): string {
  return `node-k8s-${VERSIONS.kubernetes}_metrics-server-${NODE_VERSIONS.metricsServer}`;
}

export type Versions = { readonly [K in keyof typeof VERSIONS]: string };

/** Every binary the harness resolves, in start order (helm and prometheus are only resolved). */
export const BINARIES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kwok",
  "helm",
  "prometheus",
] as const;

export type BinaryName = (typeof BINARIES)[number];

/** Directory name under the cache: one per combination of versions. */
export function versionsKey(v: Versions = VERSIONS): string {
  return `k8s-${v.kubernetes}_etcd-${v.etcd}_kwok-${v.kwok}_helm-${v.helm}_prometheus-${v.prometheus}`;
}
