import type { ModelMetrics } from "../../api/metrics.ts";
import type { PromotionSpec } from "../../api/promotion.ts";

/** Everything the promotion gate looks at, gathered before it runs. */
export interface GateInput {
  /** The run's effective promotion settings (see effectivePromotion). */
  readonly promotion: PromotionSpec;
  /** Test metrics of the candidate, parsed from the termination message. */
  readonly candidate: ModelMetrics | undefined;
  /** What the target SentimentModel serves now; undefined when it serves nothing (or does not exist). */
  readonly serving: { readonly version: string; readonly metrics: ModelMetrics | undefined } | undefined;
}

/** One check's verdict, cert-manager style: a CamelCase reason, a message, and whether it failed. */
export interface CheckResult {
  readonly reason: string;
  readonly message: string;
  readonly failed: boolean;
}

export type Check = (input: GateInput) => CheckResult;

export const pass = (reason: string, message: string): CheckResult => ({ reason, message, failed: false });
export const fail = (reason: string, message: string): CheckResult => ({ reason, message, failed: true });
