import type { ConditionInput } from "../../api/conditions.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { SentimentModelChildren } from "../types.ts";
import { MODEL_CONDITIONS } from "./conditions.ts";

export interface MonitoringDecision {
  /** Whether to apply a ServiceMonitor (enabled and its CRD is installed). */
  readonly wanted: boolean;
  readonly condition: ConditionInput;
}

/**
 * MonitoringReady: True once the ServiceMonitor exists; False with ServiceMonitorCRDNotInstalled
 * when the Prometheus Operator CRD is absent (the model still serves; the shell re-checks later);
 * Unknown with ServiceMonitorCRDUnknown while discovery has not answered (an input not observed
 * is not a failure); True/Disabled when the user turned it off.
 */
export function decideMonitoring(
  model: SentimentModel,
  live: SentimentModelChildren,
  crdInstalled: boolean | undefined,
): MonitoringDecision {
  const c = (status: ConditionInput["status"], reason: string, message: string): ConditionInput => ({
    type: MODEL_CONDITIONS.monitoringReady,
    status,
    reason,
    message,
  });
  if (!model.spec.monitoring.serviceMonitor.enabled) {
    return {
      wanted: false,
      condition: c("True", "Disabled", "spec.monitoring.serviceMonitor.enabled is false"),
    };
  }
  if (crdInstalled === undefined) {
    return {
      wanted: false,
      condition: c(
        "Unknown",
        "ServiceMonitorCRDUnknown",
        "the apiserver has not yet answered whether the servicemonitors.monitoring.coreos.com CRD is installed; the operator keeps asking",
      ),
    };
  }
  if (!crdInstalled) {
    return {
      wanted: false,
      condition: c(
        "False",
        "ServiceMonitorCRDNotInstalled",
        "the servicemonitors.monitoring.coreos.com CRD is not installed: install the Prometheus Operator CRDs or set spec.monitoring.serviceMonitor.enabled: false",
      ),
    };
  }
  return live.serviceMonitor === undefined
    ? { wanted: true, condition: c("Unknown", "Creating", "creating the ServiceMonitor") }
    : { wanted: true, condition: c("True", "ServiceMonitorCreated", "the ServiceMonitor exists") };
}
