import {
  beatsServing,
  meetsMinAccuracy,
  meetsMinF1,
  metricsPresent,
  policyAllowsPromotion,
} from "./checks.ts";
import type { Check, GateInput } from "./input.ts";

/** The promotion gate, in order. The first failing check decides; cheap, absolute checks come first. */
export const GATE_CHAIN: readonly Check[] = [
  policyAllowsPromotion, // the user opted out of promotion: nothing else matters
  metricsPresent, // every later check reads the candidate's metrics
  meetsMinAccuracy, // absolute floor on test accuracy
  meetsMinF1, // absolute floor on test F1 (catches a model that predicts one class)
  beatsServing, // relative: no regression against what users get now
];

export type GateVerdict =
  | { readonly passed: true; readonly reason: "GatePassed"; readonly message: string }
  | { readonly passed: false; readonly reason: string; readonly message: string };

/** Runs the chain; the first failure is the verdict, otherwise every passing message joined. */
export function evaluateGate(input: GateInput, chain: readonly Check[] = GATE_CHAIN): GateVerdict {
  const passed: string[] = [];
  for (const check of chain) {
    const result = check(input);
    if (result.failed) return { passed: false, reason: result.reason, message: result.message };
    passed.push(result.message);
  }
  return { passed: true, reason: "GatePassed", message: passed.join("; ") };
}
