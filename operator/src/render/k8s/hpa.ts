import type { V2HorizontalPodAutoscaler, V2MetricSpec } from "@kubernetes/client-node";
import { serverName } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import { serverLabels } from "./deployment.ts";
import { childMeta } from "./meta.ts";

const utilization = (name: "cpu" | "memory", averageUtilization: number): V2MetricSpec => ({
  type: "Resource",
  resource: { name, target: { type: "Utilization", averageUtilization } },
});

/** autoscaling/v2 HPA on the model's Deployment, with CPU and memory utilisation targets. */
export function buildHpa(model: SentimentModel): V2HorizontalPodAutoscaler {
  const a = model.spec.autoscaling;
  const name = serverName(model.metadata.name);
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: childMeta(model, name, serverLabels(model)),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [
        utilization("cpu", a.targetCPUUtilizationPercentage),
        utilization("memory", a.targetMemoryUtilizationPercentage),
      ],
      ...(a.scaleDownStabilizationSeconds === undefined
        ? {}
        : { behavior: { scaleDown: { stabilizationWindowSeconds: a.scaleDownStabilizationSeconds } } }),
    },
  };
}
