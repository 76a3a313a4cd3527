/**
 * Just enough of a Dockerfile parser to check our images without a Docker engine: instructions
 * (line continuations and comments handled), stages with their ARG defaults resolved, and the
 * exec-form (JSON) arguments of ENTRYPOINT and CMD.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, USER, ... */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

export interface Stage {
  /** The FROM image after ARG substitution, e.g. `node:24.21.0-bookworm-slim`. */
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { keyword: string; parts: string[]; line: number } | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trimEnd();
    if (pending === undefined) {
      if (line.trim() === "" || line.trimStart().startsWith("#")) return;
      const m = /^\s*(\w+)\s*(.*)$/.exec(line);
      if (!m) return;
      pending = { keyword: m[1]!.toUpperCase(), parts: [], line: i + 1 };
      const rest = m[2]!;
      if (rest.endsWith("\\")) pending.parts.push(rest.slice(0, -1).trim());
      else {
        out.push({ keyword: pending.keyword, args: rest.trim(), line: pending.line });
        pending = undefined;
      }
      return;
    }
    if (line.trimStart().startsWith("#")) return; // comments inside a continued instruction
    if (line.endsWith("\\")) pending.parts.push(line.slice(0, -1).trim());
    else {
      pending.parts.push(line.trim());
      out.push({
        keyword: pending.keyword,
        args: pending.parts.filter(Boolean).join(" "),
        line: pending.line,
      });
      pending = undefined;
    }
  });
  return out;
}

/** `ARG NAME=default` pairs before the first FROM (the ones FROM lines may use). */
function globalArgs(instructions: readonly Instruction[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.keyword === "FROM") break;
    if (ins.keyword !== "ARG") continue;
    const [name, value] = ins.args.split("=", 2);
    if (name !== undefined && value !== undefined) args.set(name.trim(), value.trim());
  }
  return args;
}

const substitute = (s: string, args: ReadonlyMap<string, string>): string =>
  s.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => args.get(a ?? b ?? "") ?? whole);

export function stages(instructions: readonly Instruction[]): Stage[] {
  const args = globalArgs(instructions);
  const out: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const [image = "", as, name] = ins.args.split(/\s+/);
      out.push({
        image: substitute(image, args),
        name: as?.toUpperCase() === "AS" ? name : undefined,
        instructions: [],
      });
    } else {
      out.at(-1)?.instructions.push(ins);
    }
  }
  return out;
}

/** The exec-form array of the last `keyword` (ENTRYPOINT or CMD) in a stage; undefined if absent or shell form. */
export function execForm(stage: Stage, keyword: "ENTRYPOINT" | "CMD"): string[] | undefined {
  const ins = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  if (ins === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(ins.args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `COPY [--flags] src... dest` of a stage, without `--from` copies. */
export function contextCopies(stage: Stage): { sources: string[]; dest: string }[] {
  return stage.instructions
    .filter((i) => i.keyword === "COPY" && !/--from=/.test(i.args))
    .map((i) => {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      return { sources: words.slice(0, -1), dest: words.at(-1) ?? "" };
    });
}

/** LABEL key="value" pairs of a stage. */
export function labels(stage: Stage): Map<string, string> {
  const out = new Map<string, string>();
  for (const ins of stage.instructions.filter((i) => i.keyword === "LABEL")) {
    for (const m of ins.args.matchAll(/([\w.-]+)="([^"]*)"/g)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/**
 * Whether `.dockerignore` excludes `path` (relative to the context, `/`-separated). Patterns
 * follow Docker's rules as far as our file uses them: `*` within one path segment, `**` across
 * segments, a match on a directory excludes everything under it, the last matching line wins,
 * `!` re-includes.
 */
export function dockerIgnored(dockerignore: string, path: string): boolean {
  let ignored = false;
  for (const raw of dockerignore.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    const pattern = (negate ? line.slice(1) : line).replace(/^\/+/, "").replace(/\/+$/, "");
    const source = pattern
      .split("/")
      .map((seg) =>
        seg === "**"
          ? "(?:.*)"
          : seg
              .replace(/[.+^${}()|[\]\\]/g, "\\$&")
              .replace(/\*/g, "[^/]*")
              .replace(/\?/g, "[^/]"),
      )
      .join("/")
      .replace(/\(\?:\.\*\)\//g, "(?:.*/)?");
    if (new RegExp(`^${source}(?:/.*)?$`).test(path)) ignored = !negate;
  }
  return ignored;
}
