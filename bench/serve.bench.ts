/**
 * `npm run bench:serve`: latency and throughput of sentiment-serve against a real model, beside
 * the HTTP floor of this machine (a bare node:http server answering a fixed JSON of the same size),
 * in the same run.
 *
 * - The servers run in child processes; the load generator runs here, in its own process.
 * - Fixed rates use a paced open-loop generator (uniform sends, 1 ms ticks, keep-alive pool);
 *   latency is from sending a request to reading its whole response.
 * - Maximum throughput is closed loop (32 connections), measured with two generators: autocannon,
 *   and bench/load/closed-loop.ts, a lean generator that spends about half of autocannon's CPU per
 *   request. On 2 cores the generator competes with the server for CPU, so the lean one shows
 *   more of what the server can do; the generator's own CPU per request is reported beside it.
 * - Request bodies are real IMDB test reviews, a different one per request.
 * - Single requests are measured with micro-batching off and on (same event-loop turn), to see
 *   whether it helps.
 * - Two servers split the cost, at maximum only: sentiment-serve's app with a constant model (what
 *   the HTTP path costs), and the floor's bare server scoring with the model in a worker with the
 *   same micro-batches (what the model costs: the most any framework could reach with it).
 *
 * - Servers start as their image starts them (docker/server-entrypoint.sh, node flags included), and
 *   each one's RSS is read after its traffic.
 * - `--baseline <checkout>` adds another checkout's server (with its node_modules, e.g. a
 *   `git worktree` of an older commit), started by its own entrypoint with its own defaults, so old
 *   and new code are compared in one run.
 *
 * Model: SERVE_BENCH_MODEL_DIR (or --model) reuses a model directory; otherwise the default
 * architecture is trained on the full IMDB train split (SENTIMENT_IMDB_PATH) once and cached
 * under .cache/serve-bench/.
 *
 * Flags: --duration <s> (10), --rates 200,1000,2000, --model <dir>, --out <file.md>,
 * --connections <n> (32), --variants serve,worker,... (a subset of the configurations; serve
 * first), --baseline <checkout>.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { loadModel } from "../common/artifact/loader.ts";
import { createLogger } from "../common/log.ts";
import type { SentimentPredictor } from "../common/model.ts";
import { createApp } from "../model-server/src/app.ts";
import { defaultConfig } from "../model-server/src/config.ts";
import { createMicroBatcher } from "../model-server/src/micro-batcher.ts";
import { createModelHolder } from "../model-server/src/model-holder.ts";
import { toPrediction } from "../model-server/src/prediction.ts";
import { createWorkerLoader } from "../model-server/src/worker-loader.ts";
import { entrypoint } from "../operator/src/compose/processes.ts";
import { Registry } from "prom-client";
import { benchModel, imdbTestReviews } from "../model-server/src/testing/trained-model.ts";
import { closedLoop } from "./load/closed-loop.ts";
import { paced, summarize } from "./load/paced.ts";

const FLOOR_FLAG = "--floor-body";
const CONSTANT_FLAG = "--constant-model";
const BARE_MODEL_FLAG = "--bare-http-model";

interface RunResult {
  readonly rps: number;
  /** CPU time (user + system, all threads) of the server process per completed request, in µs. */
  readonly cpuUs?: number;
  /** CPU time of the load generator per completed request, in µs (when it measures it). */
  readonly generatorUs?: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
}

type Autocannon = (
  opts: Record<string, unknown>,
  cb: (err: Error | null, result: unknown) => void,
) => {
  on(event: "response", fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
};
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/**
 * Closed loop with autocannon: `connections` requests always outstanding. The body comes from one
 * counter shared by all connections, so requests that arrive together carry different reviews. (A
 * `requests` array instead is walked by every connection in step: half the requests of a 32-wide
 * window then repeat a review, which makes micro-batches cheaper to score than real traffic.)
 */
function saturate(
  url: string,
  bodies: readonly Buffer[],
  seconds: number,
  connections: number,
): Promise<RunResult> {
  const u = new URL(url);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${u.origin}`,
        connections,
        duration: seconds,
        requests: [
          {
            method: "POST",
            path: u.pathname,
            headers: { "content-type": "application/json" },
            setupRequest: (req: Record<string, unknown>) => ({
              ...req,
              body: bodies[next++ % bodies.length],
            }),
          },
        ],
      },
      (err) => (err ? reject(err) : resolve(summarize(latencies, latencies.length, errors, seconds))),
    );
    instance.on("response", (_c, status, _b, ms) => {
      if (status === 200) latencies.push(ms);
      else errors++;
    });
  });
}

/** Closed loop with the lean generator: `connections` requests always outstanding. */
async function saturateLean(
  url: string,
  bodies: readonly Buffer[],
  seconds: number,
  connections: number,
): Promise<RunResult> {
  const r = await closedLoop({ url, bodies, connections, seconds });
  return { ...summarize(r.latenciesMs, r.ok, r.errors, r.seconds), generatorUs: r.generatorCpuUs };
}

interface Target {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `command` (executable first), its output in `logFile`, and waits for the port it prints. */
async function startChild(
  command: string[],
  logFile: string,
  portOf: (out: string) => number | undefined,
): Promise<Target> {
  const fd = openSync(logFile, "w");
  const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const deadline = Date.now() + 120_000;
  let port: number | undefined;
  while (port === undefined) {
    if (child.exitCode !== null)
      throw new Error(`${command.join(" ")} exited: ${readFileSync(logFile, "utf8").slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${command.join(" ")} did not start`);
    await new Promise((r) => setTimeout(r, 50));
    port = portOf(readFileSync(logFile, "utf8"));
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The command that starts sentiment-serve with these arguments. */
type Launch = (args: string[]) => string[];

/** As the image starts it (docker/server-entrypoint.sh, node flags included), on this checkout. */
const imageLaunch: Launch = entrypoint;
/** Plain `node sentiment-serve.js`, without the image's node flags. */
const plainLaunch: Launch = (args) => [
  process.execPath,
  fileURLToPath(new URL("../model-server/bin/sentiment-serve.js", import.meta.url)),
  ...args,
];
/** Another checkout's server (`--baseline`), by its own entrypoint, for old against new in one run. */
const checkoutLaunch =
  (checkout: string): Launch =>
  (args) =>
    entrypoint(args, checkout);

async function startModelServer(
  modelDir: string,
  logFile: string,
  extra: string[],
  launch: Launch = imageLaunch,
): Promise<Target> {
  const command = launch([
    "--model",
    modelDir,
    "--port",
    "0",
    "--host",
    "127.0.0.1",
    "--reload-interval-ms",
    "0",
    ...extra,
  ]);
  const t = await startChild(command, logFile, (out) => {
    const m = /"port":(\d+)/.exec(out); // the first log line names the port it listens on
    return m && m[1] !== "0" ? Number(m[1]) : undefined;
  });
  for (;;) {
    const ok = await fetch(`${t.url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return t;
    if (t.child.exitCode !== null)
      throw new Error(`sentiment-serve exited: ${readFileSync(logFile, "utf8").slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : "-");
/** CPU µs per review of the model alone (predictProba of one review at a time, after a warm-up pass). */
async function modelCpuPerReview(dir: string, texts: readonly string[]): Promise<number> {
  const loaded = await loadModel(dir);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const p = loaded.value.predictor;
  for (const t of texts) await p.predictProba([t]);
  const start = process.cpuUsage();
  for (let round = 0; round < 3; round++) for (const t of texts) await p.predictProba([t]);
  const used = process.cpuUsage(start);
  p.dispose();
  return (used.user + used.system) / (3 * texts.length);
}

/** Resident memory of a process, from /proc (Linux), in MiB. */
function rssMiB(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
}

/** User + system CPU seconds of a process and all its threads, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100)
}

const row = (what: string, load: string, r: RunResult): string =>
  `| ${what} | ${load} | ${fmt(r.rps, 0)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${fmt(r.cpuUs ?? NaN, 0)} | ${fmt(r.generatorUs ?? NaN, 0)} | ${r.errors} |`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "10" },
      rates: { type: "string", default: "200,1000,2000" },
      model: { type: "string" },
      out: { type: "string" },
      connections: { type: "string", default: "32" },
      variants: { type: "string" },
      baseline: { type: "string" },
    },
  });
  if (values.baseline !== undefined) {
    const entry = join(resolve(values.baseline), "docker/server-entrypoint.sh");
    const modules = join(resolve(values.baseline), "node_modules");
    if (!existsSync(entry) || !existsSync(modules)) {
      console.error(
        `bench:serve: --baseline ${values.baseline} is not a checkout with docker/server-entrypoint.sh and node_modules: make one with \`git worktree add DIR REV && (cd DIR && npm ci)\`.`,
      );
      process.exit(2);
    }
  }
  const seconds = Number(values.duration);
  const rates = values.rates.split(",").map(Number);
  const connections = Number(values.connections);
  const warmup = Math.min(3, seconds);
  const work = await mkdtemp(join(tmpdir(), "serve-bench-"));
  const loadAtStart = loadavg();
  const log = (m: string): void => console.error(`[bench] ${m}`);

  const model = await benchModel(values.model ?? process.env["SERVE_BENCH_MODEL_DIR"], log);
  log(`model ${model.dir} (${model.description})`);
  const reviews = await imdbTestReviews(1000);
  const singles = reviews.map((text) => Buffer.from(JSON.stringify({ text })));
  const batch64 = Array.from({ length: 16 }, (_, k) =>
    Buffer.from(JSON.stringify({ texts: reviews.slice(k * 64, k * 64 + 64) })),
  );
  const v1Singles = reviews.map((text) => Buffer.from(JSON.stringify({ instances: [text] })));
  const modelName = (JSON.parse(readFileSync(join(model.dir, "metadata.json"), "utf8")) as { name: string })
    .name;
  const meanChars = reviews.reduce((a, r) => a + r.length, 0) / reviews.length;
  const modelUs = await modelCpuPerReview(model.dir, reviews);
  log(`model alone: ${modelUs.toFixed(0)} µs CPU per review`);

  const lines: string[] = [];
  const results: Record<string, RunResult> = {};
  const measure = async (
    key: string,
    what: string,
    load: string,
    target: Target,
    run: () => Promise<RunResult>,
    warm: () => Promise<RunResult>,
  ) => {
    await warm();
    const cpuBefore = cpuSeconds(target.child.pid!);
    const measured = await run();
    const cpu = cpuSeconds(target.child.pid!) - cpuBefore;
    const r = { ...measured, cpuUs: (cpu * 1e6) / Math.max(1, measured.rps * seconds) };
    results[key] = r;
    lines.push(row(what, load, r));
    log(row(what, load, r));
  };
  const suite = async (name: string, prefix: string, target: Target, withRates: readonly number[]) => {
    const url = `${target.url}/predict`;
    for (const rate of withRates) {
      await measure(
        `${prefix}@${rate}`,
        name,
        `${rate} req/s`,
        target,
        () => paced(url, singles, rate, seconds),
        () => paced(url, singles, rate, warmup),
      );
    }
    await measure(
      `${prefix}@max`,
      name,
      `max (${connections} conn, autocannon)`,
      target,
      () => saturate(url, singles, seconds, connections),
      () => saturate(url, singles, warmup, connections),
    );
    await measure(
      `${prefix}@max-lean`,
      name,
      `max (${connections} conn, lean generator)`,
      target,
      () => saturateLean(url, singles, seconds, connections),
      () => saturateLean(url, singles, warmup, connections),
    );
  };

  /** Server configurations compared; the first is the default (no flags). */
  const allVariants: { key: string; name: string; flags: string[]; launch?: Launch }[] = [
    { key: "serve", name: "default (in-process + micro-batches of ≤ 16)", flags: [] },
    { key: "worker", name: "worker + micro-batches of ≤ 16", flags: ["--predict-in-worker", "true"] },
    { key: "mb4", name: "micro-batches of ≤ 4", flags: ["--micro-batch-size", "4"] },
    { key: "mb64", name: "micro-batches of ≤ 64", flags: ["--micro-batch-size", "64"] },
    { key: "plain", name: "in-process, no micro-batch", flags: ["--micro-batch", "off"] },
    {
      key: "worker-plain",
      name: "worker, no micro-batch",
      flags: ["--predict-in-worker", "true", "--micro-batch", "off"],
    },
    { key: "node-defaults", name: "default without the image's node flags", flags: [], launch: plainLaunch },
    {
      key: "worker-node-defaults",
      name: "worker, without the image's node flags",
      flags: ["--predict-in-worker", "true"],
      launch: plainLaunch,
    },
  ];
  if (values.baseline !== undefined) {
    const checkout = resolve(values.baseline);
    const head = spawnSync("git", ["-C", checkout, "rev-parse", "--short", "HEAD"], { encoding: "utf8" });
    allVariants.push({
      key: "baseline",
      name: `baseline ${head.stdout.trim() || checkout} (its defaults)`,
      flags: [],
      launch: checkoutLaunch(checkout),
    });
  }

  const wanted = values.variants?.split(",") ?? allVariants.map((v) => v.key);
  const variants = allVariants.filter((v) => wanted.includes(v.key) || v.key === "baseline");
  if (variants[0]?.key !== "serve")
    throw new Error(`--variants must start with serve; known: ${allVariants.map((v) => v.key).join(",")}`);

  // The same response size for the floor: a real /predict answer.
  let server = await startModelServer(model.dir, join(work, "serve.log"), []);
  const sample = await (
    await fetch(`${server.url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: singles[0]!,
    })
  ).text();
  await writeFile(join(work, "floor.json"), sample);
  /** Runs `suite` against this file started in one of its server modes (they print {"port":N}). */
  const selfServed = async (mode: string, arg: string, name: string, key: string, withRates: number[]) => {
    const target = await startChild(
      [process.execPath, fileURLToPath(import.meta.url), mode, arg],
      join(work, `${key}.log`),
      (out) => {
        const m = /\{"port":(\d+)\}/.exec(out);
        return m ? Number(m[1]) : undefined;
      },
    );
    try {
      await suite(name, key, target, withRates);
    } finally {
      await target.stop();
    }
  };
  await selfServed(FLOOR_FLAG, join(work, "floor.json"), "bare node:http floor", "floor", rates);
  // The HTTP path's own cost: the same app and settings with scoring replaced by a constant.
  await selfServed(
    CONSTANT_FLAG,
    model.dir,
    "sentiment-serve app, constant model (no scoring)",
    "constant",
    [],
  );
  // The model's own cost: the floor's bare server, scoring with the same worker and micro-batches.
  await selfServed(
    BARE_MODEL_FLAG,
    model.dir,
    "bare node:http + the model in a worker (no Koa, no checks)",
    "bare",
    [],
  );
  const rssAfterTraffic: Record<string, number> = {};
  for (const [i, v] of variants.entries()) {
    if (i > 0) server = await startModelServer(model.dir, join(work, `${v.key}.log`), v.flags, v.launch);
    // The default and the baseline get every measurement; the other variants the main ones.
    const full = i === 0 || v.key === "baseline";
    try {
      await suite(`sentiment-serve, ${v.name}`, v.key, server, full ? rates : rates.filter((r) => r >= 1000));
      for (const [conns, label] of [
        [1, "sequential (1 conn)"],
        [4, "max (4 conn)"],
      ] as const) {
        if (!full && conns > 1) continue;
        await measure(
          `${v.key}-batch64@${conns}`,
          `sentiment-serve, ${v.name}, batch of 64`,
          label,
          server,
          () => saturate(`${server.url}/predict`, batch64, seconds, conns),
          () => saturate(`${server.url}/predict`, batch64, warmup, conns),
        );
      }
      if (full) {
        // The same reviews over KServe V1: every protocol shares one prediction path.
        const v1 = `${server.url}/v1/models/${modelName}:predict`;
        await measure(
          `${v.key}-v1@max`,
          `sentiment-serve, ${v.name}, KServe V1 :predict`,
          `max (${connections} conn, autocannon)`,
          server,
          () => saturate(v1, v1Singles, seconds, connections),
          () => saturate(v1, v1Singles, warmup, connections),
        );
      }
      rssAfterTraffic[v.key] = rssMiB(server.child.pid!);
      log(`${v.key}: RSS after its traffic ${fmt(rssAfterTraffic[v.key]!, 0)} MiB`);
    } finally {
      await server.stop();
    }
  }

  const ratio = (key: string, gen: string): number =>
    (results[`${key}@${gen}`]?.rps ?? NaN) / (results[`floor@${gen}`]?.rps ?? NaN);
  const verdict = (ok: boolean): string => (ok ? "met" : "NOT met");
  const each = (pick: (key: string) => string): string =>
    variants.map((v) => `${v.name}: ${pick(v.key)}`).join("; ");
  const p99 = (key: string): number => results[key]?.p99 ?? Infinity;
  const report = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load average at start ${loadAtStart
      .map((x) => x.toFixed(2))
      .join(" ")}; Node ${process.version}.`,
    `Model: ${model.description}. Requests: ${reviews.length} IMDB test reviews (mean ${meanChars.toFixed(0)} characters); response ${sample.length} bytes (the floor returns the same bytes).`,
    `Model alone (predictProba of one review, in the bench process): ${modelUs.toFixed(0)} µs CPU per review.`,
    `Each run ${seconds} s after a ${warmup} s warm-up. Latencies in ms. Load average at the end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}.`,
    "",
    "| Server | Load | req/s | p50 | p95 | p99 | max | server CPU µs/req | generator CPU µs/req | errors |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...lines,
    "",
    "| Target | Measured | |",
    "|---|---|---|",
    `| Single review at 1,000 req/s: p99 ≤ 5 ms | ${each((k) => `${fmt(p99(`${k}@1000`))} ms`)} | ${verdict(p99("serve@1000") <= 5)} (default) |`,
    ...(
      [
        ["max", "autocannon"],
        ["max-lean", "lean generator"],
      ] as const
    ).map(
      ([gen, label]) =>
        `| Max throughput ≥ 0.5 × floor (${fmt(results[`floor@${gen}`]?.rps ?? NaN, 0)} req/s, ${label}) | ${each((k) => `${fmt(results[`${k}@${gen}`]?.rps ?? NaN, 0)} req/s = ${fmt(ratio(k, gen))} ×`)} | ${verdict(ratio("serve", gen) >= 0.5)} (default) |`,
    ),
    ...(
      [
        ["constant", "(For scale) the same app with a constant model instead of scoring"],
        ["bare", "(For scale) a bare node:http server scoring with the same model, worker and batches"],
      ] as const
    ).map(
      ([key, what]) =>
        `| ${what} | ${(["max", "max-lean"] as const).map((g) => `${fmt(results[`${key}@${g}`]?.rps ?? NaN, 0)} req/s = ${fmt(ratio(key, g))} × (${g === "max" ? "autocannon" : "lean generator"})`).join("; ")} | |`,
    ),
    `| KServe V1 \`:predict\` at max, autocannon: the same as /predict | ${variants
      .filter((v) => results[`${v.key}-v1@max`])
      .map(
        (v) =>
          `${v.name}: ${fmt(results[`${v.key}-v1@max`]!.rps, 0)} req/s = ${fmt(results[`${v.key}-v1@max`]!.rps / (results[`${v.key}@max`]?.rps ?? NaN))} × /predict`,
      )
      .join("; ")} | |`,
    `| Server RSS after its traffic: < 150 MiB | ${each((k) => `${fmt(rssAfterTraffic[k] ?? NaN, 0)} MiB`)} | ${verdict((rssAfterTraffic["serve"] ?? Infinity) < 150)} (default) |`,
    `| Batch of 64: p99 ≤ 20 ms (sequential) | ${each((k) => `${fmt(p99(`${k}-batch64@1`))} ms`)} | ${verdict(p99("serve-batch64@1") <= 20)} (default) |`,
  ].join("\n");
  console.log(report);
  if (values.out) await writeFile(values.out, `${report}\n`);
  await rm(work, { recursive: true, force: true });
}

// ---- floor server mode: `node bench/serve.bench.ts --floor-body <file>` ----------------------
if (process.argv[2] === CONSTANT_FLAG) {
  await serveConstantModel(process.argv[3]!);
} else if (process.argv[2] === BARE_MODEL_FLAG) {
  await serveBareModel(process.argv[3]!);
} else if (process.argv[2] === FLOOR_FLAG) {
  const body = readFileSync(process.argv[3]!);
  const server = createServer((req, res) => {
    req.on("data", () => undefined);
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": body.length,
      });
      res.end(body);
    });
  });
  server.listen(0, "127.0.0.1", () =>
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })),
  );
  process.on("SIGTERM", () => process.exit(0));
} else {
  await main().catch((e: unknown) => {
    // A missing dataset or a server that would not start: one line, no stack.
    console.error(`bench:serve: ${(e as Error).message}`);
    process.exit(1);
  });
}

/**
 * `node bench/serve.bench.ts --constant-model <dir>`: sentiment-serve's app (createApp, default
 * settings, JSON request log) in this process, with the model's predictor replaced by one that
 * answers 0.75 for every text: what the HTTP path costs without scoring.
 */
async function serveConstantModel(dir: string): Promise<void> {
  const holder = createModelHolder(async (d) => {
    const loaded = await loadModel(d);
    if (!loaded.ok) return loaded;
    loaded.value.predictor.dispose();
    const constant: SentimentPredictor = {
      architecture: loaded.value.predictor.architecture,
      predictProba: (texts) => Promise.resolve(new Float64Array(texts.length).fill(0.75)),
      dispose: () => undefined,
    };
    return { ok: true, value: { ...loaded.value, predictor: constant } };
  });
  const loaded = await holder.load(dir);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const logger = createLogger({ component: "model-server" });
  const app = createApp({ holder, registry: new Registry(), logger, config: defaultConfig(dir) });
  const handle = app.callback();
  const server = createServer((req, res) => void handle(req, res));
  server.listen(0, "127.0.0.1", () =>
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })),
  );
  process.on("SIGTERM", () => process.exit(0));
}

/**
 * `node bench/serve.bench.ts --bare-http-model <dir>`: the floor's bare node:http server, but each
 * request's `text` is scored by the model in a worker thread with sentiment-serve's micro-batching
 * (≤ 16 per batch, one batch at a time), and the answer is the /predict JSON. No Koa, validation,
 * metrics or logs: the most any server can get out of this model on this machine.
 */
async function serveBareModel(dir: string): Promise<void> {
  const loaded = await createWorkerLoader()(dir);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const { metadata, predictor } = loaded.value;
  const batcher = createMicroBatcher<string, number>({
    waitMs: 0,
    maxBatch: defaultConfig(dir).microBatchSize,
    maxInFlight: 1,
    run: async (texts) => Array.from(await predictor.predictProba(texts)),
  });
  const ref = { name: metadata.name, version: metadata.version };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const { text } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { text: string };
      void batcher.submit(text).then((p) => {
        const body = JSON.stringify(toPrediction(p, ref));
        res.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(body),
        });
        res.end(body);
      });
    });
  });
  server.listen(0, "127.0.0.1", () =>
    console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })),
  );
  process.on("SIGTERM", () => process.exit(0));
}
