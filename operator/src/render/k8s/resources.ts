import type { V1ResourceRequirements } from "@kubernetes/client-node";
import type { ResourceRequirements } from "../../api/pod-settings.ts";

type Loose = {
  requests?: Record<string, string | number> | undefined;
  limits?: Record<string, string | number> | undefined;
};

const asStrings = (list: Record<string, string | number>): Record<string, string> =>
  Object.fromEntries(Object.entries(list).map(([k, v]) => [k, String(v)]));

/** Container resources from the spec, else the operator's default; quantities as strings. */
export function containerResources(
  spec: ResourceRequirements | undefined,
  fallback: Loose,
): V1ResourceRequirements {
  const src: Loose = spec ?? fallback;
  return {
    ...(src.requests === undefined ? {} : { requests: asStrings(src.requests) }),
    ...(src.limits === undefined ? {} : { limits: asStrings(src.limits) }),
  };
}
