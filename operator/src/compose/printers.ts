import { stringify } from "yaml";
import type { CrdDefinition, PrinterColumn } from "../api/crd/build.ts";
import type { KubeObject } from "../api/kube-object.ts";

/** The value at a printer column's jsonPath (the simple `.a.b.c` form the CRDs use). */
export function atPath(obj: unknown, jsonPath: string): unknown {
  let cur: unknown = obj;
  for (const part of jsonPath.split(".").filter((p) => p !== "")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** kubectl's age: 45s, 3m12s, 5h, 2d. */
export function age(from: string | undefined, now = Date.now()): string {
  if (from === undefined) return "<unknown>";
  const s = Math.max(0, Math.floor((now - new Date(from).getTime()) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

function cell(col: PrinterColumn, value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  if (col.type === "date") return age(typeof value === "string" ? value : undefined);
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Aligned columns, two spaces apart, as kubectl prints them. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/** `kubectl get` for one kind: NAME and the CRD's printer columns (priority > 0 only with -o wide). */
export function printTable(
  def: CrdDefinition,
  objects: readonly KubeObject[],
  wide: boolean,
  withKind: boolean,
): string {
  const cols = def.printerColumns.filter((c) => wide || (c.priority ?? 0) === 0);
  const prefix = withKind ? `${def.names.singular}.${"sentiment.mlops.dev"}/` : "";
  const header = ["NAME", ...cols.map((c) => c.name.toUpperCase())];
  const rows = [...objects]
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))
    .map((o) => [`${prefix}${o.metadata?.name ?? ""}`, ...cols.map((c) => cell(c, atPath(o, c.jsonPath)))]);
  return table([header, ...rows]);
}

/** `-o json|yaml`: one object as is, several as a List. */
export function printObjects(
  objects: readonly KubeObject[],
  format: "json" | "yaml",
  single: boolean,
): string {
  const value = single ? objects[0] : { apiVersion: "v1", kind: "List", items: objects };
  return format === "json" ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}
