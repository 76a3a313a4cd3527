import { stringify } from "yaml";
import type { CrdDefinition } from "../api/crd/build.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { age, table } from "./printers.ts";
import type { StoredEvent } from "./store.ts";

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const indent = (text: string, by = "  "): string =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => `${by}${l}`)
    .join("\n");

/** `kubectl describe`: metadata, spec, status (conditions, gate decision, history) and recent events. */
export function describe(
  def: CrdDefinition,
  obj: KubeObject,
  events: readonly StoredEvent[],
  now = Date.now(),
): string {
  const meta = obj.metadata ?? {};
  const status = (obj["status"] ?? {}) as Record<string, unknown>;
  const out: string[] = [
    `Name:         ${meta.name}`,
    `Namespace:    ${meta.namespace}`,
    `Kind:         ${def.names.kind}`,
    `Created:      ${meta.creationTimestamp} (${age(meta.creationTimestamp, now)} ago)`,
    `Generation:   ${meta.generation}`,
  ];
  if (meta.annotations !== undefined)
    out.push(
      `Annotations:  ${Object.entries(meta.annotations)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}`,
    );
  out.push("Spec:", indent(stringify(obj["spec"] ?? {})));
  const { conditions, history, promotion, tracking, registry, ...rest } = status as {
    tracking?: { mlflow?: { status?: string; url?: string; runId?: string; message?: string } };
    registry?: { mlflow?: { registeredModel: string; version: string; alias: string; url?: string } };
    conditions?: Condition[];
    history?: { version: string; trainingRun?: string; servedAt?: string; metrics?: { accuracy?: number } }[];
    promotion?: { decision: string; reason: string; message?: string; time?: string };
  };
  out.push("Status:", indent(stringify(rest).trimEnd() === "{}" ? "(none yet)" : stringify(rest)));
  const run = tracking?.mlflow;
  if (run !== undefined)
    out.push(
      `MLflow run:   ${run.url ?? run.runId ?? ""} (${run.status}${run.message ? `: ${run.message}` : ""})`,
    );
  const reg = registry?.mlflow;
  if (reg !== undefined)
    out.push(
      `MLflow model: ${reg.registeredModel} version ${reg.version} @${reg.alias}${reg.url ? ` ${reg.url}` : ""}`,
    );
  if (promotion !== undefined) {
    out.push("Promotion gate:", `  Decision:  ${promotion.decision} (${promotion.reason})`);
    if (promotion.message) out.push(`  Checks:    ${promotion.message}`);
  }
  if (conditions !== undefined && conditions.length > 0) {
    out.push(
      "Conditions:",
      indent(
        table([
          ["TYPE", "STATUS", "REASON", "AGE", "MESSAGE"],
          ...conditions.map((c) => [
            c.type,
            c.status,
            c.reason ?? "",
            age(c.lastTransitionTime, now),
            c.message ?? "",
          ]),
        ]),
      ),
    );
  }
  if (history !== undefined && history.length > 0) {
    out.push(
      "History:",
      indent(
        table([
          ["VERSION", "TRAININGRUN", "ACCURACY", "SERVED"],
          ...history.map((h) => [
            h.version,
            h.trainingRun ?? "",
            h.metrics?.accuracy?.toFixed(4) ?? "",
            `${age(h.servedAt, now)} ago`,
          ]),
        ]),
      ),
    );
  }
  const recent = events.slice(-15);
  out.push(
    "Events:",
    recent.length === 0
      ? "  <none>"
      : indent(
          table([
            ["TYPE", "REASON", "AGE", "MESSAGE"],
            ...recent.map((e) => [e.type, e.reason, age(e.time, now), e.note]),
          ]),
        ),
  );
  return `${out.join("\n")}\n`;
}
