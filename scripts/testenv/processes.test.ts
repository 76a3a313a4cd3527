import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { isAlive, isOurs, readPidFiles, startProcess, stopProcesses } from "./processes.ts";
import { waitUntil } from "./wait.ts";

const root = mkdtempSync(join(tmpdir(), "testenv-processes-"));
after(() => rmSync(root, { recursive: true, force: true }));

function dirs(name: string) {
  const d = { logs: join(root, name, "logs"), pids: join(root, name, "pids") };
  mkdirSync(d.logs, { recursive: true });
  mkdirSync(d.pids, { recursive: true });
  return d;
}

test("stopProcesses stops a started process by PID and removes its pid file", async () => {
  const d = dirs("stop");
  const started = startProcess("sleeper", "/bin/sleep", ["300"], d);
  assert.ok(isOurs(started.record));
  assert.deepEqual(readPidFiles(d.pids, ["sleeper"], d.logs), [started.record]);
  await stopProcesses([started.record], d.pids);
  assert.equal(isAlive(started.record.pid), false);
  assert.equal(existsSync(join(d.pids, "sleeper.pid")), false);
});

test("a process that exits on SIGTERM too slowly is killed after the grace period", async () => {
  const d = dirs("stubborn");
  const started = startProcess(
    "stubborn",
    "/bin/sh",
    ["-c", "trap '' TERM; echo ready; sleep 300 & wait"],
    d,
  );
  await waitUntil("the trap to be installed", () =>
    readFileSync(started.record.log, "utf8").includes("ready"),
  );
  const before = Date.now();
  await stopProcesses([started.record], d.pids, 300);
  assert.ok(Date.now() - before >= 300, "SIGKILL came before the grace period ended");
  assert.equal(isAlive(started.record.pid), false);
  // Its child went with it: the whole process group is signalled.
  await waitUntil("the group to be gone", () => liveGroupMembers(started.record.pid).length === 0);
});

/** PIDs of running (not zombie) processes in a process group, from /proc. */
function liveGroupMembers(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return Number(group) === pgid && state !== "Z";
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("isOurs refuses a PID that now runs another program", () => {
  assert.equal(isOurs({ name: "x", pid: process.pid, binary: "/not/the/binary", log: "" }), false);
});

test("the watchdog stops components when their owner is killed with SIGKILL", async () => {
  const d = dirs("reaper");
  const script = join(root, "owner.ts");
  writeFileSync(
    script,
    `import { startProcess, startReaper } from ${JSON.stringify(join(import.meta.dirname, "processes.ts"))};
startReaper(${JSON.stringify(d.pids)});
const p = startProcess("orphan", "/bin/sleep", ["300"], ${JSON.stringify(d)});
console.log(p.record.pid);
setInterval(() => {}, 1000);
`,
  );
  const owner = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const pid = Number(
    await new Promise<string>((resolve) => owner.stdout.once("data", (b: Buffer) => resolve(b.toString()))),
  );
  assert.ok(isAlive(pid), "the orphan-to-be should run");
  owner.kill("SIGKILL");
  await waitUntil("the watchdog to stop the orphan", () => !isAlive(pid), { timeoutMs: 10_000 });
});
