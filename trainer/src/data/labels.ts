/** Label spellings accepted in every format (case-insensitive, surrounding spaces ignored). */
const POSITIVE = new Set(["pos", "positive", "1"]);
const NEGATIVE = new Set(["neg", "negative", "0"]);

export const LABEL_SPELLINGS = "pos/neg, positive/negative or 1/0";

/** 1 for a positive label, 0 for a negative one, undefined for anything else. */
export function parseLabel(raw: unknown): 0 | 1 | undefined {
  if (typeof raw === "number") return raw === 1 ? 1 : raw === 0 ? 0 : undefined;
  if (typeof raw === "boolean") return undefined;
  if (typeof raw !== "string") return undefined;
  const s = raw.trim().toLowerCase();
  return POSITIVE.has(s) ? 1 : NEGATIVE.has(s) ? 0 : undefined;
}
