/**
 * A command as a user starts it (`npm start`, `npx sentiment-serve ...`), watched through /proc:
 * every process it ever had below it (children, grandchildren, process groups of their own
 * included) is remembered by PID and start time, so a test can signal the PID it started and then
 * check that nothing of the tree is still running. Linux only (/proc).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { delimiter } from "node:path";

/** A newcomer's shell: none of the test run's npm_* variables, no node_modules/.bin on PATH. */
export function userShellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("npm_")));
  env["PATH"] = (env["PATH"] ?? "")
    .split(delimiter)
    .filter((p) => !p.includes("node_modules"))
    .join(delimiter);
  return { ...env, ...extra };
}

export interface TreeProcess {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: with the PID, it names one process even if the PID is reused. */
  readonly startTime: string;
  readonly argv: readonly string[];
}

interface Stat {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly startTime: string;
}

function readStat(pid: number): Stat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields after the last ")".
    const rest = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return { pid, state: rest[0]!, ppid: Number(rest[1]), startTime: rest[19]! };
  } catch {
    return undefined;
  }
}

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** The live descendants of `root` (not `root` itself), read from /proc now. */
export function descendants(root: number): TreeProcess[] {
  const stats = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readStat(Number(d)) ?? []);
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const found: TreeProcess[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    found.push({ pid: s.pid, startTime: s.startTime, argv: argvOf(s.pid) });
    queue.push(...(children.get(s.pid) ?? []));
  }
  return found;
}

/** True while that very process (same PID and start time) runs and is not a zombie. */
export function isRunning(p: TreeProcess): boolean {
  const s = readStat(p.pid);
  return s !== undefined && s.startTime === p.startTime && s.state !== "Z";
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface Stopped {
  readonly exit: Exit | "timeout";
  readonly ms: number;
  /** Processes of the tree still running after the command exited (or timed out). */
  readonly left: TreeProcess[];
}

/**
 * A command started as a user would, with its process tree watched every 50 ms. `foreground`: in a
 * process group of its own, as a shell starts a job in a terminal, for `ctrlC`.
 */
export class WatchedCommand {
  readonly child: ChildProcess;
  readonly exit: Promise<Exit>;
  stdout = "";
  stderr = "";
  readonly #seen = new Map<string, TreeProcess>();
  readonly #timer: NodeJS.Timeout;
  readonly #group: boolean;

  constructor(
    command: string,
    args: readonly string[],
    opts: { cwd: string; env: NodeJS.ProcessEnv; foreground?: boolean },
  ) {
    this.#group = opts.foreground ?? false;
    this.child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      detached: this.#group,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.setEncoding("utf8").on("data", (c: string) => (this.stdout += c));
    this.child.stderr!.setEncoding("utf8").on("data", (c: string) => (this.stderr += c));
    this.exit = new Promise((resolve) =>
      this.child.once("exit", (code, signal) => resolve({ code, signal })),
    );
    this.#timer = setInterval(() => this.#look(), 50);
    void this.exit.then(() => clearInterval(this.#timer));
  }

  get pid(): number {
    return this.child.pid!;
  }

  #look(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    for (const p of descendants(this.pid)) this.#seen.set(`${p.pid}/${p.startTime}`, p);
  }

  /** Every process seen below the command so far (looks once more first). */
  seen(): TreeProcess[] {
    this.#look();
    return [...this.#seen.values()];
  }

  /** Those seen whose argv mentions `text`. */
  seenRunning(text: string): TreeProcess[] {
    return this.seen().filter((p) => p.argv.some((a) => a.includes(text)));
  }

  /** Sends `signal` to the started PID only, as `kill PID` does; see `#stopBy`. */
  signal(signal: NodeJS.Signals, timeoutMs: number): Promise<Stopped> {
    return this.#stopBy(() => this.child.kill(signal), timeoutMs);
  }

  /**
   * Ctrl-C in a terminal: SIGINT to the foreground process group, then, 10 ms later, SIGINT once
   * more to the process running `program` (argv), which is npm passing the signal on (npm/cli#5021).
   * npm's copy arrives that late on a busy machine; sooner, the kernel merges the two.
   */
  ctrlC(timeoutMs: number, program: string): Promise<Stopped> {
    if (!this.#group) throw new Error("Start the command with foreground: true.");
    const target = this.seenRunning(program).find(isRunning);
    if (target === undefined)
      throw new Error(`No process runs ${program}:\n${describeProcesses(this.seen())}`);
    return this.#stopBy(() => {
      process.kill(-this.pid, "SIGINT");
      setTimeout(() => {
        if (isRunning(target)) process.kill(target.pid, "SIGINT");
      }, 10);
    }, timeoutMs);
  }

  /**
   * Sends the signal(s) and waits for the command's exit, at most `timeoutMs`; then SIGKILLs what
   * is left of the tree so a failing test leaves nothing behind.
   */
  async #stopBy(send: () => void, timeoutMs: number): Promise<Stopped> {
    const seen = this.seen();
    const started = Date.now();
    send();
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      this.exit,
      new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs))),
    ]);
    clearTimeout(timer);
    const ms = Date.now() - started;
    // Children stopped by the command itself are gone once it has exited; give the kernel a moment
    // to finish tearing down processes that were signalled last.
    const deadline = Date.now() + 1_000;
    while (seen.some(isRunning) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const left = seen.filter(isRunning);
    this.kill();
    return { exit, ms, left };
  }

  /** SIGKILL to the command and everything seen below it (cleanup). */
  kill(): void {
    const seen = this.seen();
    clearInterval(this.#timer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    for (const p of seen.filter(isRunning))
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone in between
      }
  }
}

/** One line per process, for assertion messages. */
export const describeProcesses = (ps: readonly TreeProcess[]): string =>
  ps.map((p) => `${p.pid}: ${p.argv.join(" ")}`).join("\n");
