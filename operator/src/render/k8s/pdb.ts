import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { serverName, serverSelector } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import { serverLabels } from "./deployment.ts";
import { childMeta } from "./meta.ts";

/** policy/v1 PDB with `maxUnavailable` (default 1), so a single replica can still be drained. */
export const buildPdb = (model: SentimentModel): V1PodDisruptionBudget => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: childMeta(model, serverName(model.metadata.name), serverLabels(model)),
  spec: {
    maxUnavailable: model.spec.podDisruptionBudget.maxUnavailable,
    selector: { matchLabels: serverSelector(model.metadata.name) },
  },
});
