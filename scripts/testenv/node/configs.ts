/**
 * Pure configuration of the real test node (`testenv:up --real-node`): its network, containerd,
 * CNI, kubelet and kube-proxy. The settings follow what this machine kind needs (no systemd,
 * hybrid cgroups, no CAP_SYS_RESOURCE): runc with cgroupfs, no negative oom_score_adj, cgroup v1
 * allowed, no swap check. Every path lives under the node's directories; nothing is written to /etc.
 */

/** The node's network: a veth pair between the host and the node's own network namespace. */
export const NODE_NET = {
  /** Named network namespace (`/run/netns/<name>`). */
  netns: "sentiment-node",
  /** Host end of the veth pair; the apiserver listens on its address. */
  hostIf: "sentiment-n0",
  hostIp: "10.99.0.1",
  /** Node end (inside the namespace): the node's InternalIP, where the kubelet listens. */
  nodeIf: "eth0",
  nodeIp: "10.99.0.2",
  prefix: 24,
  /** Pods get addresses here from the CNI bridge. */
  podCidr: "10.244.0.0/24",
  bridge: "cni0",
} as const;

export const NODE_NAME = "sentiment-node-0";
/** The pause image: Debian's static catatonit in a scratch image (no registry needed). */
export const PAUSE_IMAGE = "localhost/pause:catatonit";

export interface NodeLayout {
  /** Per-cluster state (sockets, kubelet root, logs of pods, CNI state): removed at stop. */
  readonly dir: string;
  /** containerd's content store and snapshots: in the cache, so images survive a restart. */
  readonly containerdRoot: string;
  readonly kubeconfig: string;
  readonly caCert: string;
}

export const nodePaths = (l: NodeLayout) => ({
  containerdConfig: `${l.dir}/containerd.toml`,
  containerdState: `${l.dir}/containerd-state`,
  containerdSock: `${l.dir}/containerd.sock`,
  cniConfDir: `${l.dir}/cni/net.d`,
  cniIpam: `${l.dir}/cni/ipam`,
  kubeletConfig: `${l.dir}/kubelet.yaml`,
  kubeletRoot: `${l.dir}/kubelet`,
  kubeletCerts: `${l.dir}/kubelet-pki`,
  podLogs: `${l.dir}/pod-logs`,
  kubeProxyConfig: `${l.dir}/kube-proxy.yaml`,
  volumes: `${l.dir}/volumes`,
});

export function containerdConfig(l: NodeLayout): string {
  const p = nodePaths(l);
  return `version = 2
root = "${l.containerdRoot}"
state = "${p.containerdState}"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

[grpc]
  address = "${p.containerdSock}"

[ttrpc]
  address = "${p.containerdSock}.ttrpc"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  # No CAP_SYS_RESOURCE here: runc cannot lower oom_score_adj below the parent's.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "/usr/bin/runc"
        Root = "${p.containerdState}/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${p.cniConfDir}"
`;
}

export function cniConfig(l: NodeLayout): string {
  return JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: "sentiment-node",
      plugins: [
        {
          type: "bridge",
          bridge: NODE_NET.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: NODE_NET.podCidr }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: nodePaths(l).cniIpam,
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}

export interface KubeletSizing {
  /** Memory the pods may use in total (node allocatable), e.g. 4 GiB. */
  readonly allocatableMemoryBytes: number;
  readonly totalMemoryBytes: number;
}

/** KubeletConfiguration: authenticated by client certificates of the test CA, authorized by the apiserver. */
export function kubeletConfig(l: NodeLayout, sizing: KubeletSizing): string {
  const p = nodePaths(l);
  const reservedMi = Math.max(
    0,
    Math.floor((sizing.totalMemoryBytes - sizing.allocatableMemoryBytes) / 2 ** 20),
  );
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${NODE_NET.nodeIp}
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: ${l.caCert}}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
cgroupRoot: /
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
systemReserved: {memory: ${reservedMi}Mi}
failCgroupV1: false
failSwapOn: false
# A negative oom_score_adj needs CAP_SYS_RESOURCE, which this VM does not give root.
oomScoreAdj: 0
containerRuntimeEndpoint: unix://${p.containerdSock}
podLogsDir: ${p.podLogs}
resolvConf: ""
serializeImagePulls: false
syncFrequency: 10s
nodeStatusUpdateFrequency: 5s
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  imagefs.available: "1%"
`;
}

export function kubeProxyConfig(l: NodeLayout): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: ${l.kubeconfig}}
hostnameOverride: ${NODE_NAME}
bindAddress: ${NODE_NET.nodeIp}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
clusterCIDR: ${NODE_NET.podCidr}
iptables:
  # Replies from a Service backend on the same bridge return through the gateway, so conntrack sees them.
  masqueradeAll: true
# Leave the host's conntrack table size and timeouts alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
`;
}

export function kubeletArgs(l: NodeLayout): string[] {
  const p = nodePaths(l);
  return [
    `--config=${p.kubeletConfig}`,
    `--kubeconfig=${l.kubeconfig}`,
    `--root-dir=${p.kubeletRoot}`,
    `--cert-dir=${p.kubeletCerts}`,
    `--hostname-override=${NODE_NAME}`,
    `--node-ip=${NODE_NET.nodeIp}`,
    "--v=1",
  ];
}
