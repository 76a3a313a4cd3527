import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import { LABELS, modelPvcName } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import { childMeta, standardLabels } from "./meta.ts";

/**
 * The model PVC: trainer Jobs of runs targeting the model write `<model>/<run>` into it; the
 * server mounts it read-only. Its spec is immutable once bound, so the core only creates it.
 * Not built when spec.storage.claimName names an existing claim.
 */
export function buildModelPvc(model: SentimentModel): V1PersistentVolumeClaim {
  const s = model.spec.storage;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: childMeta(model, modelPvcName(model.metadata.name), {
      ...standardLabels("sentiment-models", model.metadata.name, "storage"),
      [LABELS.model]: model.metadata.name,
    }),
    spec: {
      accessModes: [...s.accessModes],
      resources: { requests: { storage: String(s.size) } },
      ...(s.storageClassName === undefined ? {} : { storageClassName: s.storageClassName }),
    },
  };
}

/** The claim holding a model's artifacts: the existing one named in the spec, or `<model>-models`. */
export const modelClaimName = (model: Pick<SentimentModel, "metadata" | "spec">): string =>
  model.spec.storage.claimName ?? modelPvcName(model.metadata.name);
