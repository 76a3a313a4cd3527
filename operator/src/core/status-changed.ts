import { jsonEqual } from "./json-equal.ts";

/**
 * Whether the status a decision computed differs from the one the resource has, so the shell
 * writes status only when it changed (cert-manager's `!DeepEqual`). Key order and undefined fields
 * do not count. `lastTransitionTime` needs no special case: the condition helpers keep it unless
 * a status flips, so an unchanged world yields an identical status and zero writes.
 */
export const statusChanged = (old: unknown, next: unknown): boolean => !jsonEqual(old ?? {}, next ?? {});
