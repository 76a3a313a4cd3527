/**
 * SentimentModel condition types, in status order. Ready is the aggregate of ModelResolved,
 * Available and RolledOut (KServe-style `deriveReady`). Progressing keeps the Deployment's
 * meaning (True while a rollout is under way) for kubectl and Argo CD; RolledOut is the positive
 * condition Ready depends on, set from the rollout itself.
 */
export const MODEL_CONDITIONS = {
  ready: "Ready",
  modelResolved: "ModelResolved",
  available: "Available",
  rolledOut: "RolledOut",
  progressing: "Progressing",
  monitoringReady: "MonitoringReady",
} as const;

export const MODEL_CONDITION_ORDER: readonly string[] = Object.values(MODEL_CONDITIONS);

/** The conditions Ready is derived from. */
export const MODEL_READY_DEPENDENCIES: readonly string[] = [
  MODEL_CONDITIONS.modelResolved,
  MODEL_CONDITIONS.available,
  MODEL_CONDITIONS.rolledOut,
];
