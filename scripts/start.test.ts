/**
 * `npm start` as a newcomer runs it (the system's npm, a shell's PATH, the README's variables):
 * a bad SENTIMENT_IMDB_PATH is one line; and SIGTERM or SIGINT sent to the PID of `npm start`
 * (`kill $!`, a supervisor, a CI step's timeout) stops everything it started (trainer, model
 * servers, Prometheus) and exits 0 within seconds. That needs the project's .npmrc
 * (`script-shell=bash`): npm forwards the signal to its script's shell, and bash execs the script's
 * single command where dash (Debian's sh) would die and leave the program running.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import { findPrometheus } from "../operator/src/compose/prometheus.ts";
import { imdbPath } from "../model-server/src/testing/trained-model.ts";
import { waitUntil } from "./testenv/wait.ts";
import { describeProcesses, userShellEnv, WatchedCommand } from "./testing/process-tree.ts";

const root = join(import.meta.dirname, "..");
const stateDir = mkdtempSync(join(tmpdir(), "npm-start-"));
after(() => rmSync(stateDir, { recursive: true, force: true }));

const startEnv = () =>
  userShellEnv({
    SENTIMENT_IMDB_PATH: imdbPath(),
    SENTIMENT_OPERATOR_STATE_DIR: stateDir,
    LOG_LEVEL: "warn",
  });

/** Stops within this: the servers drain first (measured 2–7 s on a loaded 2-core machine). */
const STOP_MS = 30_000;

async function stopAndCheck(t: TestContext, start: WatchedCommand, how: "SIGTERM" | "SIGINT" | "Ctrl-C") {
  const stopped =
    how === "Ctrl-C" ? await start.ctrlC(STOP_MS, "scripts/start.ts") : await start.signal(how, STOP_MS);
  t.diagnostic(`npm start exited ${stopped.ms} ms after ${how}`);
  assert.notEqual(
    stopped.exit,
    "timeout",
    `npm start still ran ${STOP_MS} ms after ${how}:\n${start.stderr}`,
  );
  assert.deepEqual(stopped.exit, { code: 0, signal: null }, start.stderr);
  assert.deepEqual(
    stopped.left,
    [],
    `still running after npm start exited:\n${describeProcesses(stopped.left)}`,
  );
  assert.match(start.stderr, /^Stopped\.$/m);
}

describe("npm start", () => {
  test("a SENTIMENT_IMDB_PATH that does not exist: one line naming the variable, exit 2", () => {
    const r = spawnSync("npm", ["start"], {
      cwd: root,
      env: userShellEnv({
        SENTIMENT_IMDB_PATH: "/nonexistent/imdb.tar.gz",
        SENTIMENT_OPERATOR_STATE_DIR: stateDir,
      }),
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr,
      "error: SENTIMENT_IMDB_PATH=/nonexistent/imdb.tar.gz does not exist: point SENTIMENT_IMDB_PATH at aclImdb_v1.tar.gz or an aclImdb directory, or unset it to download.\n",
    );
  });

  test("SIGTERM to npm's PID while the trainer runs: the trainer stops, npm start exits 0", async (t) => {
    const start = new WatchedCommand("npm", ["start"], { cwd: root, env: startEnv() });
    try {
      await waitUntil(
        "a sentiment-train process under npm start",
        () => start.seenRunning("sentiment-train").length > 0,
        {
          timeoutMs: 120_000,
        },
      );
      await stopAndCheck(t, start, "SIGTERM");
    } finally {
      start.kill();
    }
  });

  const cases = [
    { how: "SIGTERM", what: "SIGTERM to npm's PID" },
    { how: "SIGINT", what: "SIGINT to npm's PID" },
    { how: "Ctrl-C", what: "Ctrl-C (SIGINT to the process group, and npm's copy of it)" },
  ] as const;
  for (const { how, what } of cases) {
    test(`${what} while serving: servers and Prometheus stop, npm start exits 0`, async (t) => {
      const start = new WatchedCommand("npm", ["start"], { cwd: root, env: startEnv(), foreground: true });
      try {
        await waitUntil(
          "npm start to print that the model is Ready",
          () => /is Ready after/.test(start.stdout),
          {
            timeoutMs: 240_000,
          },
        );
        const servers = start.seenRunning("sentiment-serve");
        assert.equal(servers.length, 2, `two model server replicas:\n${describeProcesses(start.seen())}`);
        if (findPrometheus() !== undefined)
          assert.equal(start.seenRunning("prometheus").length, 1, describeProcesses(start.seen()));
        await stopAndCheck(t, start, how);
      } finally {
        start.kill();
      }
    });
  }
});
