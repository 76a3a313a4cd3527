import type { EventRecord } from "../core/types.ts";
import type { KubeObject } from "../api/kube-object.ts";
import type { Result } from "../../../common/result.ts";
import type { ReconcilerDeps } from "./port.ts";

/**
 * The last step of every reconcile: write status once, only if it changed, then record the
 * decision's events (after the status write: if that fails, the retry decides them again).
 */
export async function writeStatusAndEvents(
  deps: ReconcilerDeps,
  live: KubeObject,
  status: { readonly phase?: string | undefined },
  changed: boolean,
  events: readonly EventRecord[],
): Promise<void> {
  if (changed && (await deps.port.writeStatus(live, status))) {
    const from = (live["status"] as { phase?: string } | undefined)?.phase ?? "";
    const fields = {
      [String(live.kind).toLowerCase()]: `${live.metadata?.namespace}/${live.metadata?.name}`,
    };
    if (status.phase !== from)
      deps.logger?.info(`Moved ${live.kind} to a new phase`, { ...fields, from, to: status.phase });
    else deps.logger?.debug(`Updated ${live.kind} status`, fields);
  }
  // Events are best effort (the recorder never throws) and not waited for, as client-go's
  // recorder: the reconcile is done once status is written.
  for (const e of events)
    void deps.port.recordEvent(live, { type: e.type, reason: e.reason, note: e.message });
}

/**
 * Parses a cached object with its zod schema. An object the schema refuses (only possible if it
 * was stored before a CRD tightened) is logged and reported in a Warning event, then skipped.
 */
export async function parseOrReport<T>(
  deps: ReconcilerDeps,
  raw: KubeObject,
  parse: (obj: unknown) => Result<T>,
  kind: string,
  key: string,
): Promise<T | undefined> {
  const parsed = parse(raw);
  if (parsed.ok) return parsed.value;
  deps.logger?.warn(`Skipped invalid ${kind}`, {
    [kind.toLowerCase()]: key,
    reason: parsed.error.reason,
    error: parsed.error.message,
  });
  await deps.port.recordEvent(raw, {
    type: "Warning",
    reason: parsed.error.reason,
    note: parsed.error.message,
  });
  return undefined;
}
