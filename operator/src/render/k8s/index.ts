/**
 * Pure builders of the desired Kubernetes children. Each returns a plain object with
 * `apiVersion`/`kind`, the standard app.kubernetes.io labels and a controller ownerReference.
 * They never read the clock or the API: the same input gives the same object.
 */
export { buildJob, type JobOutput } from "./job.ts";
export { trainerArgs, TERMINATION_LOG } from "./trainer-args.ts";
export { buildDeployment, serverLabels } from "./deployment.ts";
export { buildService } from "./service.ts";
export { buildHpa } from "./hpa.ts";
export { buildPdb } from "./pdb.ts";
export { buildNetworkPolicy, type WireNetworkPolicy } from "./network-policy.ts";
export {
  buildServiceMonitor,
  SERVICE_MONITOR_API_VERSION,
  SERVICE_MONITOR_CRD,
  type ServiceMonitor,
} from "./service-monitor.ts";
export { buildModelPvc, modelClaimName } from "./pvc.ts";
export { controllerRef, standardLabels, type Owner } from "./meta.ts";
export type { ServedArtifact } from "./served-artifact.ts";
