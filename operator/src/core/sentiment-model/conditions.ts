/** SentimentModel condition types, in status order. Ready is the aggregate. */
export const MODEL_CONDITIONS = {
  ready: "Ready",
  modelResolved: "ModelResolved",
  available: "Available",
  progressing: "Progressing",
  monitoringReady: "MonitoringReady",
} as const;

export const MODEL_CONDITION_ORDER: readonly string[] = Object.values(MODEL_CONDITIONS);
