/**
 * The security rules every workload we ship must follow (Pod Security Standards "restricted",
 * plus our own: read-only root filesystem with an emptyDir /tmp, pinned images, resources), as
 * a pure check of a rendered object. Each violation is one readable line naming the object.
 */

interface Container {
  name?: string;
  image?: string;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}

interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  containers?: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: object; hostPath?: object }[];
}

interface Workload {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    template?: { spec?: PodSpec };
    jobTemplate?: { spec?: { template?: { spec?: PodSpec } } };
  } & PodSpec;
}

/** The pod spec of a Pod, a workload with a template, or a CronJob; undefined for other kinds. */
export function podSpecOf(obj: Workload): PodSpec | undefined {
  if (obj.kind === "Pod") return obj.spec;
  return obj.spec?.template?.spec ?? obj.spec?.jobTemplate?.spec?.template?.spec;
}

export function podSecurityViolations(obj: Workload): string[] {
  const pod = podSpecOf(obj);
  if (pod === undefined) return [];
  const where = `${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
  const out: string[] = [];
  const bad = (msg: string): void => void out.push(`${where}: ${msg}`);

  for (const host of ["hostNetwork", "hostPID", "hostIPC"] as const) if (pod[host]) bad(`${host} is set`);
  for (const v of pod.volumes ?? []) if (v.hostPath) bad(`volume ${v.name} is a hostPath`);
  if (pod.securityContext?.runAsUser === 0) bad("the pod runs as user 0");

  const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
  if (containers.length === 0) bad("no containers");
  for (const c of containers) {
    const at = `container ${c.name ?? "?"}`;
    const sc = c.securityContext ?? {};
    if (sc.runAsNonRoot !== true && pod.securityContext?.runAsNonRoot !== true)
      bad(`${at}: runAsNonRoot is not true`);
    if (sc.runAsUser === 0) bad(`${at}: runs as user 0`);
    if (sc.allowPrivilegeEscalation !== false) bad(`${at}: allowPrivilegeEscalation is not false`);
    if (sc.privileged === true) bad(`${at}: privileged`);
    if (sc.readOnlyRootFilesystem !== true) bad(`${at}: readOnlyRootFilesystem is not true`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) bad(`${at}: capabilities do not drop ALL`);
    if ((sc.capabilities?.add ?? []).length > 0)
      bad(`${at}: adds capabilities ${sc.capabilities?.add?.join(", ")}`);
    const seccomp = sc.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
      bad(`${at}: seccompProfile is not RuntimeDefault`);
    const image = c.image ?? "";
    if (
      !/(:[\w.-]+|@sha256:[a-f0-9]{64})$/.test(image.replace(/^[^/]*:\d+\//, "")) ||
      /:latest$/.test(image)
    ) {
      bad(`${at}: image '${image}' is not pinned to a tag or digest (or is :latest)`);
    }
    const tmp = (c.volumeMounts ?? []).find((m) => m.mountPath === "/tmp");
    if (!tmp || !pod.volumes?.some((v) => v.name === tmp.name && v.emptyDir))
      bad(`${at}: no emptyDir mounted at /tmp`);
    if (!c.resources?.requests?.["cpu"] || !c.resources.requests["memory"])
      bad(`${at}: no cpu and memory requests`);
    if (!c.resources?.limits?.["memory"]) bad(`${at}: no memory limit`);
  }
  return out;
}
