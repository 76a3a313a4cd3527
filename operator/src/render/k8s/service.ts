import type { V1Service } from "@kubernetes/client-node";
import { SERVER_PORT_NAME, serverName, serverSelector } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import { serverLabels } from "./deployment.ts";
import { childMeta } from "./meta.ts";

/** The model's Service: `spec.service.port` → the server's named port. Its labels are what ServiceMonitors select. */
export const buildService = (model: SentimentModel): V1Service => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: childMeta(model, serverName(model.metadata.name), serverLabels(model)),
  spec: {
    type: model.spec.service.type,
    selector: serverSelector(model.metadata.name),
    ports: [
      {
        name: SERVER_PORT_NAME,
        port: model.spec.service.port,
        targetPort: SERVER_PORT_NAME,
        protocol: "TCP",
      },
    ],
  },
});
