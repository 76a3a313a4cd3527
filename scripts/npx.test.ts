/**
 * The three programs started as the README documents them, `npx <program> ...` with the system's
 * npm, then `kill PID` on the PID of `npx` (as `npx sentiment-operator run &` then `kill $!` does):
 * the program itself gets the signal and nothing it started keeps running. npm forwards SIGTERM
 * to its script shell; the project's .npmrc makes that shell bash, which execs the program (dash,
 * Debian's sh, would die and leave the program running). The operator and the server stop
 * gracefully and exit 0; the trainer has nothing to save and dies of the signal (status 143), with
 * nothing written to --out.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import { imdbPath, trainedModel } from "../model-server/src/testing/trained-model.ts";
import { waitUntil } from "./testenv/wait.ts";
import { describeProcesses, userShellEnv, WatchedCommand, type Exit } from "./testing/process-tree.ts";

const root = join(import.meta.dirname, "..");
const work = mkdtempSync(join(tmpdir(), "npx-signal-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A newcomer's shell, without KUBECONFIG: the operator gets its kubeconfig by flag. */
function userEnv(): NodeJS.ProcessEnv {
  const env = userShellEnv();
  delete env["KUBECONFIG"];
  return env;
}

const npx = (args: readonly string[]) =>
  new WatchedCommand("npx", args, { cwd: root, env: userEnv(), foreground: true });

/**
 * Waits for `ready` in the program's output, sends SIGTERM to the PID of npx (or Ctrl-C to its
 * process group), checks the exit and what is left.
 */
async function stop(
  t: TestContext,
  cmd: WatchedCommand,
  ready: RegExp,
  want: Exit,
  how: "SIGTERM" | "Ctrl-C" = "SIGTERM",
): Promise<void> {
  try {
    await waitUntil(`${ready} from ${cmd.child.spawnargs.join(" ")}`, () => ready.test(cmd.stderr), {
      timeoutMs: 120_000,
      intervalMs: 50,
    });
    assert.ok(cmd.seen().length > 0, "npx runs the program as a child process");
    const stopped =
      how === "SIGTERM"
        ? await cmd.signal("SIGTERM", 10_000)
        : await cmd.ctrlC(10_000, "bin/sentiment-operator");
    t.diagnostic(`exited ${stopped.ms} ms after ${how}`);
    assert.notEqual(stopped.exit, "timeout", `still running 10 s after ${how}:\n${cmd.stderr}`);
    assert.deepEqual(stopped.exit, want, cmd.stderr);
    assert.deepEqual(stopped.left, [], `still running after npx exited:\n${describeProcesses(stopped.left)}`);
  } finally {
    cmd.kill();
  }
}

describe("npx <program>, then kill PID", () => {
  // A cluster that never answers: the operator starts (informers retry), which is all this needs.
  const kubeconfig = join(work, "kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
  );
  const operatorRun = () =>
    npx(["sentiment-operator", "run", "--kubeconfig", kubeconfig, "--metrics-port", "0"]);

  test("npx sentiment-operator run: drains, exits 0", async (t) => {
    const cmd = operatorRun();
    await stop(t, cmd, /"Started operator"/, { code: 0, signal: null });
    assert.match(cmd.stderr, /"Stopped operator"/);
  });

  test("npx sentiment-operator run, Ctrl-C: one stop (npm's echo of the signal is not a second Ctrl-C), exits 0", async (t) => {
    const cmd = operatorRun();
    await stop(t, cmd, /"Started operator"/, { code: 0, signal: null }, "Ctrl-C");
    assert.equal(cmd.stderr.match(/"Received signal; shutting down"/g)?.length, 1, cmd.stderr);
    assert.doesNotMatch(cmd.stderr, /second signal/);
    assert.match(cmd.stderr, /"Stopped operator"/);
  });

  test("npx sentiment-serve: drains, exits 0", async (t) => {
    const model = await trainedModel("a");
    const cmd = npx(["sentiment-serve", "--model", model.dir, "--port", "0", "--host", "127.0.0.1"]);
    await stop(t, cmd, /"Became ready"/, { code: 0, signal: null });
    assert.match(cmd.stderr, /"Stopped server"/);
  });

  test("npx sentiment-train train: stops at once (signal, status 143), writes nothing", async (t) => {
    const out = join(work, "model");
    const cmd = npx(["sentiment-train", "train", "--data", imdbPath(), "--out", out]);
    await stop(t, cmd, /reading: /, { code: null, signal: "SIGTERM" });
    assert.equal(existsSync(out), false, "no model directory");
  });
});
