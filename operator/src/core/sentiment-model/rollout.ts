import type { V1Deployment } from "@kubernetes/client-node";
import type { ConditionInput } from "../../api/conditions.ts";
import { MODEL_VERSION_ANNOTATION } from "../../api/names.ts";
import { MODEL_CONDITIONS } from "./conditions.ts";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

/** What the live Deployment says about the rollout (pulumi-kubernetes' deployment await rules). */
export interface Rollout {
  readonly available: ConditionInput;
  /** Our Progressing: True while rolling out, False when complete (RolloutComplete) or stuck (ProgressDeadlineExceeded). */
  readonly progressing: ConditionInput;
  /** True once the rollout is complete (see `observeRollout`); False while under way, stuck or not started. */
  readonly rolledOut: ConditionInput;
  readonly stuck: boolean;
  readonly replicas: number;
  readonly readyReplicas: number;
  /** Replicas wanted: the live spec (the HPA's choice when it owns them), else the model's spec. */
  readonly desiredReplicas: number;
  readonly revision: string | undefined;
}

const condition =
  (type: string) =>
  (status: ConditionInput["status"], reason: string, message: string): ConditionInput => ({
    type,
    status,
    reason,
    message,
  });

/** The rollout while this reconcile applies an updated Deployment: under way, whatever the live one says. */
export function updatingRollout(observed: Rollout): Rollout {
  const [reason, message] = ["Updating", "applying the updated server Deployment"];
  return {
    ...observed,
    stuck: false,
    progressing: condition(MODEL_CONDITIONS.progressing)("True", reason, message),
    rolledOut: condition(MODEL_CONDITIONS.rolledOut)("False", reason, message),
  };
}

const cond = (d: V1Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

/**
 * A rollout is complete when the Deployment controller saw the latest generation, `Progressing`
 * is True with reason `NewReplicaSetAvailable`, every replica is updated and none is old, and
 * `Available` is True. `Progressing=False` (ProgressDeadlineExceeded) is stuck. The live pod
 * template must also carry the version being served (else an apply is still pending).
 */
export function observeRollout(
  deploy: V1Deployment | undefined,
  version: string | undefined,
  specReplicas: number,
): Rollout {
  const available = condition(MODEL_CONDITIONS.available);
  const progressing = condition(MODEL_CONDITIONS.progressing);
  const rolledOut = condition(MODEL_CONDITIONS.rolledOut);
  if (deploy === undefined) {
    const [reason, message] =
      version === undefined
        ? ["NothingToServe", "no version to roll out"]
        : ["Creating", `creating the server Deployment for version ${version}`];
    return {
      available: available("False", "DeploymentNotFound", "the server Deployment does not exist yet"),
      progressing: progressing(version === undefined ? "False" : "True", reason, message),
      rolledOut: rolledOut("False", reason, message),
      stuck: false,
      replicas: 0,
      readyReplicas: 0,
      desiredReplicas: specReplicas,
      revision: undefined,
    };
  }
  const s = deploy.status ?? {};
  const desired = deploy.spec?.replicas ?? specReplicas;
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const availableCond = cond(deploy, "Available");
  const progressingCond = cond(deploy, "Progressing");
  const seen = (s.observedGeneration ?? 0) >= (deploy.metadata?.generation ?? 0);
  const liveVersion = deploy.spec?.template?.metadata?.annotations?.[MODEL_VERSION_ANNOTATION];
  const stuck = progressingCond?.status === "False";
  const complete =
    seen &&
    version !== undefined &&
    liveVersion === version &&
    progressingCond?.status === "True" &&
    progressingCond.reason === "NewReplicaSetAvailable" &&
    availableCond?.status === "True" &&
    updated >= desired &&
    total === updated;
  // One observation, two conditions: Progressing in the Deployment's sense, RolledOut positive.
  const [reason, message] = stuck
    ? [
        progressingCond.reason ?? "ProgressDeadlineExceeded",
        progressingCond.message ?? "the rollout is stuck",
      ]
    : complete
      ? [
          "RolloutComplete",
          `version ${version ?? "?"} is rolled out: ${s.availableReplicas ?? 0}/${desired} available`,
        ]
      : [
          "RollingOut",
          `rolling out version ${version ?? "?"}: ${updated} of ${desired} replicas updated, ${s.availableReplicas ?? 0} available`,
        ];
  return {
    available:
      availableCond?.status === "True"
        ? available(
            "True",
            availableCond.reason ?? "MinimumReplicasAvailable",
            availableCond.message ?? "minimum replicas available",
          )
        : available(
            "False",
            availableCond?.reason ?? "MinimumReplicasUnavailable",
            availableCond?.message ?? "the Deployment has not reported availability yet",
          ),
    progressing: progressing(!stuck && !complete ? "True" : "False", reason, message),
    rolledOut: rolledOut(complete ? "True" : "False", reason, message),
    stuck,
    replicas: total,
    readyReplicas: s.readyReplicas ?? 0,
    desiredReplicas: desired,
    revision: deploy.metadata?.annotations?.[REVISION_ANNOTATION],
  };
}
