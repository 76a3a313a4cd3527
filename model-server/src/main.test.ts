import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { get, heldRequest, post } from "./testing/http.ts";
import { POSITIVE_REVIEW, trainedModel, type TrainedFixture } from "./testing/trained-model.ts";
import { waitUntil } from "#testenv/wait.ts";

const BIN = fileURLToPath(new URL("../bin/sentiment-serve.js", import.meta.url));

interface Proc {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startProcess(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, SENTIMENT_SERVE_LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  const lines: Record<string, unknown>[] = [];
  let partial = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    err += c;
    partial += c;
    const parts = partial.split("\n");
    partial = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        // a plain-text line (CLI errors)
      }
    }
  });
  child.stdout.resume();
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, stderr: () => err, exit };
}

/** Polls fast: these waits are on a local process answering in milliseconds. */
const waitFor = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> =>
  waitUntil(what, probe, { intervalMs: 20 });

describe("sentiment-serve as a real process", () => {
  let a: TrainedFixture;
  let b: TrainedFixture;
  let work: string;
  before(async () => {
    a = await trainedModel("a");
    b = await trainedModel("b");
    work = await mkdtemp(join(tmpdir(), "serve-main-"));
  });
  after(() => rm(work, { recursive: true, force: true }));

  test("bad flags exit 2 with a one-line message", async () => {
    const p = startProcess(["--model", a.dir, "--port", "http"]);
    const { code } = await p.exit;
    assert.equal(code, 2);
    assert.match(
      p.stderr(),
      /^sentiment-serve: option '--port <n>' argument 'http' is invalid\. Must be a whole number\./,
    );
  });

  test("a missing model directory exits 1 and says what to do", async () => {
    const p = startProcess(["--model", join(work, "absent"), "--port", "0", "--host", "127.0.0.1"]);
    const { code } = await p.exit;
    assert.equal(code, 1);
    assert.match(p.stderr(), /Cannot load .*absent.*sentiment-train/);
  });

  test("serves, reloads on a new version and on SIGHUP (model and token), and on SIGTERM drains (503 first) and exits 0", async () => {
    const dir = join(work, "model");
    await cp(a.dir, dir, { recursive: true });
    const tokenFile = join(work, "token");
    await writeFile(tokenFile, "first-token-8c1d\n");
    let auth = { authorization: "Bearer first-token-8c1d" };
    const p = startProcess(
      [
        "--auth-token-file",
        tokenFile,
        "--model",
        dir,
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--reload-interval-ms",
        "100",
        "--shutdown-delay-ms",
        "1500",
      ],
      { SENTIMENT_SERVE_MAX_BATCH_SIZE: "32" },
    );
    try {
      const port = await waitFor(
        "the Started listening log line",
        () =>
          p.lines.find((l) => l["message"] === "Started listening, loading model")?.["port"] as
            number | undefined,
      );
      const url = `http://127.0.0.1:${port}`;
      const ready = await waitFor("readiness", async () => {
        const r = await get(`${url}/ready`);
        return r.status === 200 ? (r.json as { model: { version: string } }) : undefined;
      });
      const va = ready.model.version;
      // The log tells the story in order: listening, the model loaded, then ready.
      const messages = p.lines.map((l) => l["message"]);
      const at = (m: string): number => messages.indexOf(m);
      assert.ok(at("Loaded model") > at("Started listening, loading model"), messages.join(" | "));
      assert.ok(at("Became ready") > at("Loaded model"), messages.join(" | "));
      assert.equal(p.lines.find((l) => l["message"] === "Became ready")?.["version"], va);
      assert.equal(
        (await post(`${url}/predict`, { text: POSITIVE_REVIEW })).status,
        401,
        "the token file applies",
      );
      const first = await post(`${url}/predict`, { text: POSITIVE_REVIEW }, auth);
      assert.equal(first.status, 200);
      assert.equal(first.json.sentiment, "positive");
      assert.equal(
        (await post(`${url}/predict`, { texts: Array(33).fill("x") }, auth)).status,
        413,
        "SENTIMENT_SERVE_MAX_BATCH_SIZE applies",
      );

      // A new version in the model directory is picked up by the watcher.
      const staging = `${dir}.staging`;
      await cp(b.dir, staging, { recursive: true });
      await rename(dir, `${dir}.old`);
      await rename(staging, dir);
      const vb = await waitFor("the new version to serve", async () => {
        const v = (await get(`${url}/ready`)).json?.model?.version as string | undefined;
        return v !== undefined && v !== va ? v : undefined;
      });
      assert.ok(p.lines.some((l) => l["message"] === "Detected new model version" && l["version"] === vb));

      // SIGHUP reloads even the same version, and re-reads the token file.
      await writeFile(tokenFile, "second-token-77ab\n");
      const loadsBefore = p.lines.filter((l) => l["message"] === "Loaded model").length;
      p.child.kill("SIGHUP");
      await waitFor("the SIGHUP reload", () =>
        p.lines.filter((l) => l["message"] === "Loaded model").length > loadsBefore &&
        p.lines.some((l) => l["message"] === "Reloaded auth token")
          ? true
          : undefined,
      );
      assert.equal((await post(`${url}/predict`, { text: POSITIVE_REVIEW }, auth)).status, 401, "old token");
      auth = { authorization: "Bearer second-token-77ab" };
      assert.equal((await post(`${url}/predict`, { text: POSITIVE_REVIEW }, auth)).status, 200, "new token");

      // A request in flight when SIGTERM arrives.
      const held = heldRequest(`${url}/predict`, { text: POSITIVE_REVIEW }, auth);
      await held.sent;
      await new Promise((r) => setTimeout(r, 200)); // let the server parse the headers
      p.child.kill("SIGTERM");
      const notReady = await waitFor("readiness to turn 503", async () => {
        const r = await get(`${url}/ready`);
        return r.status === 503 ? r : undefined;
      });
      assert.equal(notReady.json.error.code, "NotReady");
      assert.equal((await get(`${url}/health`)).status, 200, "liveness stays 200 while draining");
      held.finish();
      const res = await held.response;
      assert.equal(res.status, 200, "the in-flight request finishes");
      const exit = await p.exit;
      assert.deepEqual(exit, { code: 0, signal: null });
      const stopped = p.lines.find((l) => l["message"] === "Stopped server");
      assert.equal(stopped?.["drained"], true);
      assert.deepEqual(
        p.lines.filter((l) => l["level"] === "error" || "stack" in l),
        [],
        "401s, 413s and 503s are not errors and carry no stack",
      );
      assert.doesNotMatch(p.stderr(), /unforgettable/, "review text is never logged");
      assert.doesNotMatch(p.stderr(), /first-token|second-token/, "the token is never logged");
    } finally {
      p.child.kill("SIGKILL");
    }
  });
});
