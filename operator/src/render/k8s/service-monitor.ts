import type { V1ObjectMeta } from "@kubernetes/client-node";
import { SERVER_PORT_NAME, serverName, serverSelector } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import { serverLabels } from "./deployment.ts";
import { childMeta } from "./meta.ts";

export const SERVICE_MONITOR_API_VERSION = "monitoring.coreos.com/v1";
export const SERVICE_MONITOR_CRD = "servicemonitors.monitoring.coreos.com";

/** The parts of a Prometheus Operator ServiceMonitor the operator writes (no client-node type exists). */
export interface ServiceMonitor {
  apiVersion: typeof SERVICE_MONITOR_API_VERSION;
  kind: "ServiceMonitor";
  metadata: V1ObjectMeta & { name: string };
  spec: {
    selector: { matchLabels: Record<string, string> };
    endpoints: { port: string; path: string; interval: string }[];
  };
}

/** Scrapes the model's Service on `/metrics` every `interval`; extra labels let a Prometheus select it. */
export function buildServiceMonitor(model: SentimentModel): ServiceMonitor {
  const sm = model.spec.monitoring.serviceMonitor;
  const meta = childMeta(model, serverName(model.metadata.name), {
    ...(sm.labels ?? {}),
    ...serverLabels(model),
  });
  return {
    apiVersion: SERVICE_MONITOR_API_VERSION,
    kind: "ServiceMonitor",
    metadata: { ...meta, name: serverName(model.metadata.name) },
    spec: {
      selector: { matchLabels: serverSelector(model.metadata.name) },
      endpoints: [{ port: SERVER_PORT_NAME, path: "/metrics", interval: sm.interval }],
    },
  };
}
