import type { ConditionInput } from "../../api/conditions.ts";
import { rfc3339 } from "../../api/time.ts";
import { APPROVE_ANNOTATION } from "../../api/group.ts";
import type { ModelMetrics } from "../../api/metrics.ts";
import type { PromotionSpec, PromotionStatus } from "../../api/promotion.ts";
import type { TrainingRunPhase } from "../../api/training-run.ts";
import { evaluateGate } from "../gate/evaluate.ts";
import type { GateInput } from "../gate/input.ts";
import { RUN_CONDITIONS } from "./conditions.ts";

export interface PromotionOutcome {
  readonly phase: TrainingRunPhase;
  readonly promotion: PromotionStatus;
  /** The Promoted condition; undefined when promotion does not apply (policy Never). */
  readonly condition: ConditionInput | undefined;
}

const promoted = (status: ConditionInput["status"], reason: string, message: string): ConditionInput => ({
  type: RUN_CONDITIONS.promoted,
  status,
  reason,
  message,
});

/** The user's answer to a Manual promotion: the approve annotation's value. */
export type Approval = "approved" | "denied" | "none";

export function approvalOf(annotations: Readonly<Record<string, string>> | undefined): Approval {
  const v = annotations?.[APPROVE_ANNOTATION];
  return v === "true" ? "approved" : v === "false" ? "denied" : "none";
}

/** A gate that passed under policy Manual: wait for, or apply, the user's approval. */
export function applyApproval(approval: Approval, gateMessage: string, now: Date): PromotionOutcome {
  const time = rfc3339(now);
  if (approval === "approved") {
    const message = `approved by annotation ${APPROVE_ANNOTATION}; ${gateMessage}`;
    return {
      phase: "Promoted",
      promotion: { decision: "Promoted", reason: "Approved", message, time },
      condition: promoted("True", "Approved", message),
    };
  }
  if (approval === "denied") {
    const message = `denied by annotation ${APPROVE_ANNOTATION}: "false"`;
    return {
      phase: "Rejected",
      promotion: { decision: "Rejected", reason: "ApprovalDenied", message, time },
      condition: promoted("False", "ApprovalDenied", message),
    };
  }
  return {
    phase: "AwaitingApproval",
    promotion: { decision: "AwaitingApproval", reason: "GatePassed", message: gateMessage, time },
    condition: promoted("False", "AwaitingApproval", awaitingMessage(gateMessage)),
  };
}

const awaitingMessage = (gateMessage: string): string =>
  `the gate passed (${gateMessage}); set annotation ${APPROVE_ANNOTATION}: "true" to promote`;

/**
 * Runs the gate on a freshly trained model and turns the verdict into a phase:
 * policy Never → Succeeded (Skipped); a failed check → Rejected with the check's reason;
 * passed + Auto → Promoted; passed + Manual → the approval step.
 */
export function decidePromotion(
  spec: PromotionSpec,
  metrics: ModelMetrics,
  serving: GateInput["serving"],
  approval: Approval,
  now: Date,
): PromotionOutcome {
  const verdict = evaluateGate({ promotion: spec, candidate: metrics, serving });
  const time = rfc3339(now);
  if (!verdict.passed && verdict.reason === "PolicyNever") {
    return {
      phase: "Succeeded",
      promotion: { decision: "Skipped", reason: verdict.reason, message: verdict.message, time },
      condition: undefined,
    };
  }
  if (!verdict.passed) {
    return {
      phase: "Rejected",
      promotion: { decision: "Rejected", reason: verdict.reason, message: verdict.message, time },
      condition: promoted("False", verdict.reason, verdict.message),
    };
  }
  if (spec.policy === "Manual") return applyApproval(approval, verdict.message, now);
  return {
    phase: "Promoted",
    promotion: { decision: "Promoted", reason: verdict.reason, message: verdict.message, time },
    condition: promoted("True", verdict.reason, verdict.message),
  };
}

/** A recorded decision kept as is (decisions are facts: the served model changes after a promotion). */
export function recordedPromotion(p: PromotionStatus): PromotionOutcome {
  const phase: TrainingRunPhase =
    p.decision === "Promoted"
      ? "Promoted"
      : p.decision === "Rejected"
        ? "Rejected"
        : p.decision === "Skipped"
          ? "Succeeded"
          : "AwaitingApproval";
  const condition =
    p.decision === "Skipped"
      ? undefined
      : p.decision === "AwaitingApproval"
        ? promoted("False", "AwaitingApproval", awaitingMessage(p.message ?? p.reason))
        : promoted(p.decision === "Promoted" ? "True" : "False", p.reason, p.message ?? p.reason);
  return { phase, promotion: p, condition };
}
