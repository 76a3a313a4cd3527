import { HISTORY_LIMIT, type HistoryEntry } from "../../api/sentiment-model.ts";

/**
 * The served-version history, newest first, at most HISTORY_LIMIT entries, one per version. A
 * version served again (a rollback) moves to the front with a new `servedAt`.
 */
export function recordServed(
  history: readonly HistoryEntry[] | undefined,
  entry: HistoryEntry,
): HistoryEntry[] {
  const rest = (history ?? []).filter((h) => h.version !== entry.version);
  return [entry, ...rest].slice(0, HISTORY_LIMIT);
}
