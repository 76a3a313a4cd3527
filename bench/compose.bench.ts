/**
 * `npm run bench:compose`: what compose mode costs a user, measured in one run.
 * 1. Time from `npm start` (fresh state directory) to the first 200 answer of POST /predict on
 *    the front port: training on IMDB, evaluation, gate, promotion, rollout included.
 * 2. p50/p99 at a fixed rate (default 1,000 req/s, open loop) through the front port, against
 *    `sentiment-serve` alone on the same model in the same run, alternating (A B A B).
 * Flags: --rate 1000, --seconds 10, --rounds 2. Needs SENTIMENT_IMDB_PATH (or the sibling archive).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { freePorts } from "#testenv/ports.ts";
import { waitUntil } from "#testenv/wait.ts";
import { StateStore } from "../operator/src/compose/store.ts";
import { imdbTestReviews } from "../model-server/src/testing/trained-model.ts";
import { paced, type PacedResult } from "./load/paced.ts";

const ROOT = resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "10" },
    rounds: { type: "string", default: "2" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const log = (m: string): void => void process.stderr.write(`[bench:compose] ${m}\n`);

const stateDir = mkdtempSync(join(tmpdir(), "bench-compose-"));
const start = performance.now();
const up = spawn(process.execPath, [join(ROOT, "scripts/start.ts")], {
  env: { ...process.env, SENTIMENT_OPERATOR_STATE_DIR: stateDir },
  stdio: ["ignore", "ignore", "inherit"],
});
const predictUrl = "http://127.0.0.1:8080/predict";
const body = JSON.stringify({ text: "A wonderful, moving film." });
let serve: ReturnType<typeof spawn> | undefined;
try {
  log(`npm start with state in ${stateDir}; waiting for the first prediction on ${predictUrl}`);
  await waitUntil(
    "the first prediction",
    async () => {
      const r = await fetch(predictUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      await r.arrayBuffer();
      return r.status === 200;
    },
    { timeoutMs: 15 * 60_000, intervalMs: 200 },
  );
  const toFirst = (performance.now() - start) / 1000;
  log(`first prediction after ${toFirst.toFixed(1)} s`);

  const model = new StateStore(stateDir).read("sentimentmodels", "default", "reviews");
  const uri = (model?.["status"] as { currentUri: string }).currentUri;
  const modelDir = join(stateDir, "volumes", uri.slice("pvc://".length));
  const [port] = await freePorts(1);
  serve = spawn(
    process.execPath,
    [
      join(ROOT, "model-server/bin/sentiment-serve.js"),
      "--model",
      modelDir,
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
    ],
    {
      env: { ...process.env, LOG_REQUESTS: "false" },
      stdio: "ignore",
    },
  );
  const aloneUrl = `http://127.0.0.1:${port}/predict`;
  await waitUntil("sentiment-serve alone", async () => (await fetch(`http://127.0.0.1:${port}/ready`)).ok, {
    timeoutMs: 120_000,
    intervalMs: 200,
  });
  const bodies = (await imdbTestReviews(500)).map((text) => Buffer.from(JSON.stringify({ text })));
  const results: Record<"front" | "alone", PacedResult[]> = { front: [], alone: [] };
  for (let i = 0; i < rounds; i++)
    for (const [name, url] of [
      ["front", predictUrl],
      ["alone", aloneUrl],
    ] as const) {
      await paced(url, bodies, rate, 2); // warm-up
      const r = await paced(url, bodies, rate, seconds);
      results[name].push(r);
      log(
        `${name} round ${i + 1}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, ${r.errors} errors`,
      );
    }
  const range = (xs: number[]): string =>
    Math.min(...xs) === Math.max(...xs)
      ? Math.min(...xs).toFixed(2)
      : `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  console.log(`| What | Result |
|---|---|
| \`npm start\` (fresh state) → first prediction | ${toFirst.toFixed(1)} s |
| front port @ ${rate} req/s, ${seconds} s × ${rounds}: p50 / p99 | ${range(results.front.map((r) => r.p50))} / ${range(results.front.map((r) => r.p99))} ms, ${results.front.reduce((a, r) => a + r.errors, 0)} errors |
| \`sentiment-serve\` alone @ ${rate} req/s: p50 / p99 | ${range(results.alone.map((r) => r.p50))} / ${range(results.alone.map((r) => r.p99))} ms, ${results.alone.reduce((a, r) => a + r.errors, 0)} errors |

Load average at the end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(", ")} (2 cores, shared).`);
} finally {
  serve?.kill("SIGTERM");
  const exited = new Promise((r) => up.once("exit", r));
  up.kill("SIGINT");
  await exited;
  rmSync(stateDir, { recursive: true, force: true });
}
