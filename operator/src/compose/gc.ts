import type { Logger } from "../../../common/log.ts";
import { controllerOf } from "../api/kube-object.ts";
import { Resources, resourceFor } from "../k8s/resources.ts";
import type { StateStore } from "./store.ts";

const CHILDREN = [
  Resources.job,
  Resources.pod,
  Resources.deployment,
  Resources.service,
  Resources.pvc,
  Resources.hpa,
  Resources.pdb,
  Resources.networkPolicy,
  Resources.serviceMonitor,
];

/**
 * The garbage collector: a child whose controller (by uid) is gone is deleted, as Kubernetes does
 * with background propagation (a deleted TrainingRun takes its Job, the Job its pods; a deleted
 * SentimentModel its Deployment, Service, ...). The runners then stop the processes of what went.
 */
export function collectGarbage(store: StateStore, logger?: Logger): void {
  for (const res of CHILDREN)
    for (const child of store.list(res.plural)) {
      const ref = controllerOf(child);
      if (ref === undefined) continue;
      const ownerRes = resourceFor(ref.apiVersion, ref.kind);
      if (ownerRes === undefined) continue;
      const owner = store.get(ownerRes.plural, child.metadata?.namespace ?? "default", ref.name);
      if (owner?.metadata?.uid === ref.uid) continue;
      store.remove(res.plural, child.metadata?.namespace ?? "default", child.metadata?.name ?? "");
      logger?.info(`Deleted ${res.kind}`, {
        name: `${child.metadata?.namespace}/${child.metadata?.name}`,
        reason: `its ${ref.kind} ${ref.name} is gone`,
      });
    }
}
