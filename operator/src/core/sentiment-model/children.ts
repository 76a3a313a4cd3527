import type { SentimentModel } from "../../api/sentiment-model.ts";
import { serverName } from "../../api/names.ts";
import type { OperatorConfig } from "../../config.ts";
import { buildDeployment } from "../../render/k8s/deployment.ts";
import { buildHpa } from "../../render/k8s/hpa.ts";
import { buildNetworkPolicy } from "../../render/k8s/network-policy.ts";
import { buildPdb } from "../../render/k8s/pdb.ts";
import { buildModelPvc } from "../../render/k8s/pvc.ts";
import type { ServedArtifact } from "../../render/k8s/served-artifact.ts";
import { buildService } from "../../render/k8s/service.ts";
import { SERVICE_MONITOR_API_VERSION, buildServiceMonitor } from "../../render/k8s/service-monitor.ts";
import { planChild, planDelete } from "../diff.ts";
import type { KubeObject, NamedKubeObject } from "../../api/kube-object.ts";
import type { ChildAction, ObjectRef, SentimentModelChildren } from "../types.ts";

const asKube = (o: object): NamedKubeObject => o as NamedKubeObject;
const maybe = (o: object | undefined): KubeObject | undefined => o as KubeObject | undefined;

/**
 * The child actions of a SentimentModel, in dependency order: PVC (create only), Deployment
 * (only with a version to serve), Service, HPA, PDB, NetworkPolicy, ServiceMonitor. A child the
 * spec turned off is deleted. Matching children give no action (steady state: none at all).
 */
export function planModelChildren(
  model: SentimentModel,
  served: ServedArtifact | undefined,
  live: SentimentModelChildren,
  serviceMonitorWanted: boolean,
  config: OperatorConfig,
): ChildAction[] {
  const { spec } = model;
  const ns = model.metadata.namespace;
  const name = serverName(model.metadata.name);
  const ref = (apiVersion: string, kind: string): ObjectRef => ({ apiVersion, kind, namespace: ns, name });
  const plans: (ChildAction | undefined)[] = [
    spec.storage.claimName === undefined
      ? planChild(asKube(buildModelPvc(model)), maybe(live.pvc), { createOnly: true })
      : undefined,
    served === undefined
      ? undefined
      : planChild(asKube(buildDeployment(model, served, config)), maybe(live.deployment)),
    planChild(asKube(buildService(model)), maybe(live.service)),
    spec.autoscaling.enabled && served !== undefined
      ? planChild(asKube(buildHpa(model)), maybe(live.hpa))
      : planDelete(
          live.hpa,
          ref("autoscaling/v2", "HorizontalPodAutoscaler"),
          served === undefined ? "no version to serve" : "autoscaling disabled",
        ),
    spec.podDisruptionBudget.enabled
      ? planChild(asKube(buildPdb(model)), maybe(live.pdb))
      : planDelete(live.pdb, ref("policy/v1", "PodDisruptionBudget"), "podDisruptionBudget disabled"),
    spec.networkPolicy.enabled
      ? planChild(asKube(buildNetworkPolicy(model, config)), maybe(live.networkPolicy))
      : planDelete(
          live.networkPolicy,
          ref("networking.k8s.io/v1", "NetworkPolicy"),
          "networkPolicy disabled",
        ),
    serviceMonitorWanted
      ? planChild(asKube(buildServiceMonitor(model)), maybe(live.serviceMonitor))
      : planDelete(
          live.serviceMonitor,
          ref(SERVICE_MONITOR_API_VERSION, "ServiceMonitor"),
          "serviceMonitor disabled",
        ),
  ];
  return plans.filter((p): p is ChildAction => p !== undefined);
}
