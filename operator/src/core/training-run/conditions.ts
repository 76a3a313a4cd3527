/** TrainingRun condition types, in status order. */
export const RUN_CONDITIONS = {
  ready: "Ready",
  trained: "Trained",
  promoted: "Promoted",
  /** Informational (Ready does not depend on it): MLflow tracking is best effort. */
  tracked: "Tracked",
} as const;

export const RUN_CONDITION_ORDER: readonly string[] = [
  RUN_CONDITIONS.ready,
  RUN_CONDITIONS.trained,
  RUN_CONDITIONS.promoted,
  RUN_CONDITIONS.tracked,
];

/** Phases after which the Job is never created again and recorded facts are kept. */
export const FINISHED_PHASES: ReadonlySet<string> = new Set([
  "Succeeded",
  "Failed",
  "Promoted",
  "Rejected",
  "AwaitingApproval",
]);
