import { fail, pass, type Check } from "./input.ts";

/** Tolerance for comparing floats parsed from JSON. */
const EPS = 1e-9;
const fmt = (x: number): string => x.toFixed(4);

export const policyAllowsPromotion: Check = ({ promotion }) =>
  promotion.policy === "Never"
    ? fail("PolicyNever", "spec.promotion.policy is Never: the run only trains")
    : pass("PolicyAllows", `policy is ${promotion.policy}`);

export const metricsPresent: Check = ({ candidate }) =>
  candidate === undefined
    ? fail("MetricsMissing", "the run reported no metrics, so it cannot be evaluated")
    : pass("MetricsPresent", "metrics reported");

export const meetsMinAccuracy: Check = ({ promotion, candidate }) => {
  if (promotion.minAccuracy === undefined || candidate === undefined)
    return pass("NoMinAccuracy", "no minAccuracy set");
  return candidate.accuracy + EPS < promotion.minAccuracy
    ? fail(
        "BelowMinAccuracy",
        `accuracy ${fmt(candidate.accuracy)} is below minAccuracy ${fmt(promotion.minAccuracy)}`,
      )
    : pass("MinAccuracyMet", `accuracy ${fmt(candidate.accuracy)} >= ${fmt(promotion.minAccuracy)}`);
};

export const meetsMinF1: Check = ({ promotion, candidate }) => {
  if (promotion.minF1 === undefined || candidate === undefined) return pass("NoMinF1", "no minF1 set");
  return candidate.f1 + EPS < promotion.minF1
    ? fail("BelowMinF1", `F1 ${fmt(candidate.f1)} is below minF1 ${fmt(promotion.minF1)}`)
    : pass("MinF1Met", `F1 ${fmt(candidate.f1)} >= ${fmt(promotion.minF1)}`);
};

/**
 * With mustBeatServing, the candidate's `compareOn` metric must reach the served version's plus
 * minImprovement (0 means "not worse"). Nothing served, or a served version without metrics
 * (an external artifact), passes: there is nothing to beat.
 */
export const beatsServing: Check = ({ promotion, candidate, serving }) => {
  if (!promotion.mustBeatServing) return pass("ComparisonOff", "mustBeatServing is false");
  if (serving === undefined) return pass("NothingServed", "the model serves no version yet");
  if (serving.metrics === undefined || candidate === undefined) {
    return pass("NoServingMetrics", `served version ${serving.version} has no recorded metrics`);
  }
  const metric = promotion.compareOn;
  const needed = serving.metrics[metric] + promotion.minImprovement;
  return candidate[metric] + EPS < needed
    ? fail(
        "NotBetterThanServing",
        `${metric} ${fmt(candidate[metric])} does not reach served version ${serving.version}'s ${fmt(serving.metrics[metric])} + minImprovement ${fmt(promotion.minImprovement)}`,
      )
    : pass(
        "BeatsServing",
        `${metric} ${fmt(candidate[metric])} >= ${fmt(needed)} (served ${serving.version})`,
      );
};
