import type { z } from "zod";

/** How `describeIssues` renders a zod error. */
export interface IssueFormat {
  /** Issues to show; the rest are counted (`… and 2 more`). @default 3 */
  readonly max?: number;
  /** The name of the whole value when an issue has an empty path. @default "(root)" */
  readonly root?: string;
}

/** `a.b[2]` from a zod issue path (`root` when empty). */
export function issuePath(path: readonly PropertyKey[], root = "(root)"): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? root : out;
}

/** A union's issue shows its first branch's first issue (`texts[0]: …`), not a bare "Invalid input". */
function leaf(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === "invalid_union") {
    const nested = issue.errors.flat()[0];
    if (nested) return { path: [...issue.path, ...nested.path], message: nested.message };
  }
  return { path: issue.path, message: issue.message };
}

/**
 * The one formatter of zod errors for people: one line, `path: message` per issue, joined by `; `,
 * e.g. `spec.epochs: Too small: expected number to be >=1; texts[2]: Invalid input`.
 */
export function describeIssues(error: z.ZodError, format: IssueFormat = {}): string {
  const { max = 3, root = "(root)" } = format;
  const shown = error.issues.slice(0, max).map((i) => {
    const { path, message } = leaf(i);
    return `${issuePath(path, root)}: ${message}`;
  });
  const rest = error.issues.length - shown.length;
  return shown.length === 0
    ? "invalid value"
    : rest > 0
      ? `${shown.join("; ")} … and ${rest} more`
      : shown.join("; ");
}
