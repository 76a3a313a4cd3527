import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAtomic } from "./store.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The server image's own entrypoint (docker/server-entrypoint.sh), run on a checkout (this one by
 * default) with this Node: the trainer for `train|evaluate`, else the server, with the image's
 * node flags. `env` and `sh` exec, so the PID is node's.
 */
export function entrypoint(args: readonly string[], appDir: string = ROOT): string[] {
  return [
    "/usr/bin/env",
    `SENTIMENT_APP_DIR=${appDir}`,
    `PATH=${dirname(process.execPath)}:${process.env["PATH"] ?? ""}`,
    "sh",
    join(appDir, "docker/server-entrypoint.sh"),
    ...args,
  ];
}

/** The variable that marks every process of one state directory (guards against PID reuse when reaping). */
export const MARKER_ENV = "SENTIMENT_COMPOSE_STATE";

export interface ProcessRecord {
  readonly id: string;
  readonly pid: number;
  readonly command: readonly string[];
  readonly startedAt: string;
}

/**
 * The local processes of one state directory. Each child runs in its own process group
 * (`detached`) so Ctrl-C in the terminal reaches `up` alone, which then stops children in order;
 * each is recorded in `run/<id>.json` (PID, command) until it exits, so a later `up` or `down`
 * finds and stops what an `up` killed with -9 left behind (`reap`).
 */
export class ProcessTable {
  readonly #dir: string;
  readonly #marker: string;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, "run");
    this.#marker = resolve(stateDir);
    mkdirSync(this.#dir, { recursive: true });
  }

  spawn(
    id: string,
    command: readonly string[],
    opts: { readonly env: NodeJS.ProcessEnv; readonly logFile: string; readonly cwd?: string },
  ): ChildProcess {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const fd = openSync(opts.logFile, "a");
    const child = spawn(command[0]!, command.slice(1), {
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...opts.env, ...this.markerEnv },
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    closeSync(fd);
    if (child.pid !== undefined) {
      const record: ProcessRecord = { id, pid: child.pid, command, startedAt: new Date().toISOString() };
      writeAtomic(this.#dir, `${id}.json`, record);
      child.once("exit", () => rmSync(join(this.#dir, `${id}.json`), { force: true }));
    }
    return child;
  }

  /**
   * Records a process started elsewhere (in its own process group, with `markerEnv` in its
   * environment), so `reap` stops it after a `kill -9` of `up` as it does the others.
   */
  adopt(id: string, pid: number, command: readonly string[]): void {
    const record: ProcessRecord = { id, pid, command, startedAt: new Date().toISOString() };
    writeAtomic(this.#dir, `${id}.json`, record);
  }

  /** The environment entry that marks a process as this state directory's. */
  get markerEnv(): NodeJS.ProcessEnv {
    return { [MARKER_ENV]: this.#marker };
  }

  /** Processes recorded and still alive (and still ours: their environment carries the marker). */
  alive(): ProcessRecord[] {
    return readdirSync(this.#dir)
      .filter((f) => f.endsWith(".json"))
      .flatMap((f) => {
        try {
          return [JSON.parse(readFileSync(join(this.#dir, f), "utf8")) as ProcessRecord];
        } catch {
          return [];
        }
      })
      .filter((r) => {
        const ours = this.#isOurs(r.pid);
        if (!ours) rmSync(join(this.#dir, `${r.id}.json`), { force: true });
        return ours;
      });
  }

  /** Stops every recorded process group (SIGTERM, then SIGKILL after `graceMs`); returns what was stopped. */
  async reap(graceMs = 10_000): Promise<ProcessRecord[]> {
    const found = this.alive();
    await Promise.all(found.map((r) => stopGroup(r.pid, graceMs)));
    for (const r of found) rmSync(join(this.#dir, `${r.id}.json`), { force: true });
    return found;
  }

  #isOurs(pid: number): boolean {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, "utf8");
      return env.split("\0").includes(`${MARKER_ENV}=${this.#marker}`);
    } catch {
      return false;
    }
  }
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** SIGTERM to the process group `pid` leads, then SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(pid: number, graceMs: number): Promise<void> {
  const signal = (s: NodeJS.Signals): void => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) && !groupAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  signal("SIGKILL");
  const killDeadline = Date.now() + 5000; // a zombie (not yet reaped by its parent) stays "alive"
  while ((isAlive(pid) || groupAlive(pid)) && Date.now() < killDeadline)
    await new Promise((r) => setTimeout(r, 20));
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
