/**
 * Pure command lines for each control-plane component. Everything listens on 127.0.0.1 only, on
 * ports chosen at start. The apiserver flags follow envtest: no cluster network, so the advertise
 * address is a documentation placeholder (RFC 5737) and the endpoint reconciler is off.
 */
import { NODE_NET } from "./node/configs.ts";
import { FRONT_PROXY_CLIENT, type Pki } from "./pki.ts";

export interface Ports {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly controllerManager: number;
  readonly scheduler: number;
  readonly kwok: number;
}

export const PORT_NAMES = [
  "etcdClient",
  "etcdPeer",
  "apiserver",
  "controllerManager",
  "scheduler",
  "kwok",
] as const;

export interface Layout {
  readonly pki: Pki;
  readonly etcdData: string;
  readonly apiserverCertDir: string;
  readonly controllerManagerCertDir: string;
  readonly schedulerCertDir: string;
  /** The admin kubeconfig the in-cluster components use. */
  readonly kubeconfig: string;
  /** KWOK's configuration file (written empty, so a user's ~/.kwok/kwok.yaml is never read). */
  readonly kwokConfig: string;
}

export const LOOPBACK = "127.0.0.1";
export const SERVICE_CIDR = "10.0.0.0/24";
/** Annotation that marks nodes KWOK should pretend to run. */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";

export function etcdArgs(ports: Ports, layout: Layout): string[] {
  const client = `http://${LOOPBACK}:${ports.etcdClient}`;
  const peer = `http://${LOOPBACK}:${ports.etcdPeer}`;
  return [
    "--name=testenv",
    `--data-dir=${layout.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=testenv=${peer}`,
    // Throwaway data: durability costs startup and test time for nothing.
    "--unsafe-no-fsync",
    "--log-level=warn",
  ];
}

/**
 * With a real node (`realNode`), the apiserver listens on the host end of the node's veth link,
 * advertises it for the `kubernetes` Service, mounts service-account tokens into pods, reaches
 * kubelets with the admin client certificate, and proxies the metrics API (aggregation layer).
 */
export function apiserverArgs(ports: Ports, layout: Layout, realNode = false): string[] {
  const { pki } = layout;
  const common = [
    `--etcd-servers=http://${LOOPBACK}:${ports.etcdClient}`,
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${layout.apiserverCertDir}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    "--authorization-mode=RBAC",
    "--anonymous-auth=false",
    "--allow-privileged=true",
  ];
  if (realNode) {
    return [
      ...common,
      `--bind-address=${NODE_NET.hostIp}`,
      `--advertise-address=${NODE_NET.hostIp}`,
      `--kubelet-client-certificate=${pki.adminCert}`,
      `--kubelet-client-key=${pki.adminKey}`,
      "--kubelet-preferred-address-types=InternalIP",
      `--requestheader-client-ca-file=${pki.caCert}`,
      `--requestheader-allowed-names=${FRONT_PROXY_CLIENT}`,
      "--requestheader-username-headers=X-Remote-User",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      `--proxy-client-cert-file=${pki.frontProxyCert}`,
      `--proxy-client-key-file=${pki.frontProxyKey}`,
      // The metrics-server runs on the host: reach its endpoint directly, not through a ClusterIP.
      "--enable-aggregator-routing=true",
    ];
  }
  return [
    ...common,
    `--bind-address=${LOOPBACK}`,
    "--advertise-address=192.0.2.10",
    "--endpoint-reconciler-type=none",
    // Pods are never run for real (KWOK), so they need no token volume; as in envtest.
    "--disable-admission-plugins=ServiceAccount",
  ];
}

/** Shared by controller-manager and scheduler: admin kubeconfig, loopback serving. */
function clientComponentArgs(port: number, certDir: string, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    // The apiserver has no front-proxy (requestheader) CA; looking it up only fills the log with errors.
    "--authentication-skip-lookup=true",
    "--leader-elect=false",
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
  ];
}

export function controllerManagerArgs(ports: Ports, layout: Layout): string[] {
  const { pki } = layout;
  return [
    ...clientComponentArgs(ports.controllerManager, layout.controllerManagerCertDir, layout.kubeconfig),
    "--use-service-account-credentials=false",
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    // Tests create many objects quickly; the defaults (20 qps) make controllers lag behind.
    "--kube-api-qps=500",
    "--kube-api-burst=1000",
  ];
}

export function schedulerArgs(ports: Ports, layout: Layout): string[] {
  return clientComponentArgs(ports.scheduler, layout.schedulerCertDir, layout.kubeconfig);
}

/**
 * KWOK manages only nodes carrying the annotation, and uses its built-in fast stages (no Stage in
 * its config): pods turn Ready at once, pods owned by a Job turn Succeeded, deleted pods go away.
 */
export function kwokArgs(ports: Ports, layout: Layout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig}`,
    `--config=${layout.kwokConfig}`,
    "--manage-all-nodes=false",
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
    // Pod IPs are handed out from the first address given; the node IP lies outside that range.
    "--cidr=10.244.0.1/16",
    "--node-ip=10.240.0.1",
    "--node-lease-duration-seconds=40",
    `--server-address=${LOOPBACK}:${ports.kwok}`,
  ];
}

/** The one fake node. Generous capacity so scheduling never becomes the bottleneck in tests. */
export function kwokNode(name: string) {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
      },
    },
    status: {
      allocatable: { cpu: "32", memory: "256Gi", pods: "110" },
      capacity: { cpu: "32", memory: "256Gi", pods: "110" },
    },
  } as const;
}

/** An empty KWOK configuration: built-in stages, nothing from the user's home directory. */
export const KWOK_CONFIG = `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options: {}
`;
