import { PromotionSpec } from "../../api/promotion.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import { defaultOutputPath, modelPvcName } from "../../api/names.ts";
import type { JobOutput } from "../../render/k8s/job.ts";
import { modelClaimName } from "../../render/k8s/pvc.ts";

/** The promotion settings in force: the spec's, else Auto (defaults) with a model and Never without. */
export function effectivePromotion(run: TrainingRun): PromotionSpec {
  if (run.spec.promotion !== undefined) return run.spec.promotion;
  return PromotionSpec.parse({ policy: run.spec.model === undefined ? "Never" : "Auto" });
}

/**
 * Where the run's artifact goes: `spec.output.claimName`, else the target model's claim (its
 * `spec.storage.claimName`, or `<model>-models`); `spec.output.path`, else `<model>/<run>`.
 */
export function runOutput(run: TrainingRun, model: SentimentModel | undefined): JobOutput {
  const fromModel =
    model !== undefined
      ? modelClaimName(model)
      : run.spec.model !== undefined
        ? modelPvcName(run.spec.model)
        : undefined;
  return {
    claimName: run.spec.output?.claimName ?? fromModel ?? "",
    path: run.spec.output?.path ?? defaultOutputPath(run.spec.model, run.metadata.name),
  };
}

/** What the target model serves now, for the gate's mustBeatServing. */
export function servingOf(model: SentimentModel | undefined) {
  const version = model?.status?.currentVersion;
  return version === undefined ? undefined : { version, metrics: model?.status?.metrics };
}
