/**
 * Child processes of the control plane, tracked by PID. Each component writes to its own log file
 * and a `<name>.pid` file; stopping checks `/proc/<pid>/cmdline` first so a recycled PID is never
 * killed. Components run in their own session, so a terminal's Ctrl-C reaches only the harness,
 * which then stops them in order.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ProcessRecord {
  readonly name: string;
  readonly pid: number;
  readonly binary: string;
  readonly log: string;
}

export interface StartedProcess {
  readonly record: ProcessRecord;
  readonly child: ChildProcess;
  /** Set when the process has exited (for failing fast while waiting for readiness). */
  exit: { readonly code: number | null; readonly signal: string | null } | undefined;
}

export function startProcess(
  name: string,
  binary: string,
  args: readonly string[],
  dirs: { readonly logs: string; readonly pids: string },
  opts: { readonly netns?: string; readonly env?: NodeJS.ProcessEnv } = {},
): StartedProcess {
  const log = join(dirs.logs, `${name}.log`);
  const fd = openSync(log, "a", 0o600);
  // In a network namespace: nsenter joins it and execs the binary, which keeps the PID and argv0.
  const [cmd, argv] = opts.netns
    ? ["nsenter", [`--net=${opts.netns}`, "--", binary, ...args]]
    : [binary, args];
  const child = spawn(cmd, argv, { detached: true, stdio: ["ignore", fd, fd], env: opts.env ?? process.env });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`Could not start ${name} (${binary}).`);
  child.unref();
  const record: ProcessRecord = { name, pid: child.pid, binary, log };
  writeFileSync(pidFile(dirs.pids, name), `${child.pid}\n${binary}\n`);
  const started: StartedProcess = { record, child, exit: undefined };
  child.on("exit", (code, signal) => (started.exit = { code, signal }));
  child.on("error", () => (started.exit ??= { code: null, signal: null }));
  return started;
}

function pidFile(pidDir: string, name: string): string {
  return join(pidDir, `${name}.pid`);
}

/** True if `pid` runs and is not a zombie (PID 1 here may not reap orphans). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** True if the live process `record.pid` still runs `record.binary`. */
export function isOurs(record: ProcessRecord): boolean {
  if (!isAlive(record.pid)) return false;
  try {
    const argv0 = readFileSync(`/proc/${record.pid}/cmdline`, "utf8").split("\0")[0];
    return argv0 === record.binary;
  } catch {
    return false;
  }
}

/** Signals the process and its process group (it leads one: started detached). */
function signal(record: ProcessRecord, sig: NodeJS.Signals): void {
  if (!isOurs(record)) return;
  try {
    process.kill(-record.pid, sig);
  } catch {
    try {
      process.kill(record.pid, sig);
    } catch {
      // Exited in between: nothing to do.
    }
  }
}

/**
 * Stops the processes (last started first): SIGTERM, then SIGKILL after `graceMs`. Resolves when
 * none is alive; removes their pid files.
 */
export async function stopProcesses(
  records: readonly ProcessRecord[],
  pidDir: string,
  graceMs = 10_000,
): Promise<void> {
  const ordered = oursInStopOrder(records);
  for (const r of ordered) signal(r, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (ordered.some((r) => isAlive(r.pid)) && Date.now() < deadline) await sleep(50);
  for (const r of ordered) signal(r, "SIGKILL");
  while (ordered.some((r) => isAlive(r.pid))) await sleep(20);
  for (const r of ordered) rmSync(pidFile(pidDir, r.name), { force: true });
}

/**
 * The records that still run our binary, last started first. Checked once, before signalling:
 * while a process exits, /proc/PID/cmdline reads empty before it turns zombie, so a waiting loop
 * must ask whether the PID is alive, not whether it still runs our binary.
 */
function oursInStopOrder(records: readonly ProcessRecord[]): ProcessRecord[] {
  return [...records].reverse().filter((r) => isOurs(r));
}

/**
 * The same as `stopProcesses`, but blocking: for `exit` and signal handlers, which cannot await.
 * Waits at most `graceMs` before SIGKILL.
 */
export function stopProcessesSync(records: readonly ProcessRecord[], pidDir: string, graceMs = 5_000): void {
  const ordered = oursInStopOrder(records);
  const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  for (const r of ordered) signal(r, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (ordered.some((r) => isAlive(r.pid)) && Date.now() < deadline) pause(50);
  for (const r of ordered) signal(r, "SIGKILL");
  while (ordered.some((r) => isAlive(r.pid))) pause(20);
  for (const r of ordered) rmSync(pidFile(pidDir, r.name), { force: true });
}

/** Reads the pid files of a state directory (for `testenv:down` and stale-run cleanup). */
export function readPidFiles(pidDir: string, names: readonly string[], logDir: string): ProcessRecord[] {
  const records: ProcessRecord[] = [];
  for (const name of names) {
    try {
      const [pid, binary] = readFileSync(pidFile(pidDir, name), "utf8").split("\n");
      if (pid && binary) records.push({ name, pid: Number(pid), binary, log: join(logDir, `${name}.log`) });
    } catch {
      // No pid file: that component never started.
    }
  }
  return records;
}

/**
 * A tiny `sh` watchdog that outlives the harness: it blocks reading a pipe from this process and,
 * when the pipe closes (normal exit, crash or SIGKILL), terminates whatever pid files remain and
 * SIGKILLs stragglers 5 seconds later. After a clean stop no pid files remain, so it does nothing.
 */
export function startReaper(pidDir: string): void {
  const script = `
cat >/dev/null
ls "$0"/*.pid >/dev/null 2>&1 || exit 0
kill_all() {
  for f in "$1"/*.pid; do
    [ -f "$f" ] || continue
    pid=$(sed -n 1p "$f"); bin=$(sed -n 2p "$f")
    if [ "$(tr '\\0' '\\n' < /proc/$pid/cmdline 2>/dev/null | head -n 1)" = "$bin" ]; then kill -"$2" "$pid" 2>/dev/null; fi
  done
}
kill_all "$0" TERM
sleep 5
kill_all "$0" KILL
rm -f "$0"/*.pid`;
  const reaper = spawn("sh", ["-c", script, pidDir], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  reaper.unref();
  // Keep the write end open for the life of this process without holding the event loop.
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

/** Resident memory of a process in bytes (VmRSS), or undefined if it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
