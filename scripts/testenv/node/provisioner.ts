/**
 * The real node's StorageClass provisioner: a hostPath PersistentVolume per claim, made on demand
 * in the node's volume directory and removed when its claim is deleted. Run as a process of the
 * test cluster: `node provisioner.ts <kubeconfig> <volumes dir> <node name>`.
 *
 * Why not rancher's local-path-provisioner: it creates and removes directories through helper
 * pods that need a busybox image, which a machine without a registry does not have; and the
 * controller-manager's built-in hostPath provisioner makes directories mode 0750 owned by root,
 * which our non-root trainer cannot write.
 */
import { mkdirSync, rmSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api, KubeConfig, type V1PersistentVolume } from "@kubernetes/client-node";

export const STORAGE_CLASS = "testenv-hostpath";
export const PROVISIONER = "testenv.sentiment.mlops.dev/hostpath";

/** The default StorageClass the node's start applies. */
export const storageClass = () => ({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: {
    name: STORAGE_CLASS,
    annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
  },
  provisioner: PROVISIONER,
  reclaimPolicy: "Delete",
  volumeBindingMode: "Immediate",
});

async function main(kubeconfig: string, volumesDir: string, nodeName: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const log = (msg: string, fields: Record<string, string> = {}) =>
    console.log(JSON.stringify({ ts: new Date().toISOString(), msg, ...fields }));
  log("Started the hostPath provisioner", { volumesDir, nodeName });
  for (;;) {
    try {
      const pvs = (await core.listPersistentVolume()).items;
      const existing = new Set(pvs.map((pv) => pv.metadata?.name));
      for (const pvc of (await core.listPersistentVolumeClaimForAllNamespaces()).items) {
        const { namespace = "", name = "", uid = "" } = pvc.metadata ?? {};
        if (
          pvc.spec?.storageClassName !== STORAGE_CLASS ||
          pvc.spec.volumeName ||
          pvc.status?.phase !== "Pending"
        )
          continue;
        const pvName = `pvc-${uid}`;
        if (existing.has(pvName)) continue;
        const path = join(volumesDir, `${namespace}_${name}_${uid}`);
        mkdirSync(path, { recursive: true });
        chmodSync(path, 0o777); // any pod user may write, like local-path-provisioner's directories
        const pv: V1PersistentVolume = {
          metadata: { name: pvName, annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER } },
          spec: {
            capacity: { storage: pvc.spec.resources?.requests?.["storage"] ?? "1Gi" },
            accessModes: pvc.spec.accessModes ?? ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Delete",
            storageClassName: STORAGE_CLASS,
            volumeMode: pvc.spec.volumeMode ?? "Filesystem",
            claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name, uid },
            hostPath: { path, type: "Directory" },
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [nodeName] }],
                  },
                ],
              },
            },
          },
        };
        await core.createPersistentVolume({ body: pv });
        log("Provisioned volume", { pv: pvName, claim: `${namespace}/${name}`, path });
      }
      for (const pv of pvs) {
        const provisioned = pv.metadata?.annotations?.["pv.kubernetes.io/provisioned-by"] === PROVISIONER;
        if (!provisioned || pv.status?.phase !== "Released") continue;
        const path = pv.spec?.hostPath?.path;
        if (path?.startsWith(volumesDir + "/")) rmSync(path, { recursive: true, force: true });
        await core.deletePersistentVolume({ name: pv.metadata!.name! });
        log("Deleted released volume", { pv: pv.metadata!.name!, path: path ?? "" });
      }
    } catch (e) {
      log("Provisioning pass failed; retrying", { error: e instanceof Error ? e.message : String(e) });
    }
    await sleep(1000);
  }
}

if (import.meta.main) {
  const [kubeconfig, volumesDir, nodeName] = process.argv.slice(2);
  if (!kubeconfig || !volumesDir || !nodeName) {
    console.error("Usage: node provisioner.ts <kubeconfig> <volumes dir> <node name>");
    process.exit(2);
  }
  await main(kubeconfig, volumesDir, nodeName);
}
