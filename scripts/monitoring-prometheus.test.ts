/**
 * config/monitoring against a real Prometheus scraping a real model server: the alert rules load
 * and evaluate without errors, every Grafana panel query runs and shows the traffic that was sent,
 * and the error-rate alert goes pending when requests fail. (scripts/monitoring.test.ts checks the
 * same files statically, against the metric names and labels the code exports.)
 *
 * Prometheus comes from the test binaries (`npm run testenv:build` builds it from the Go module
 * proxy); without it the test fails and says so.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { post, startServer, type TestServer } from "../model-server/src/testing/http.ts";
import { NEGATIVE_REVIEW, POSITIVE_REVIEW, trainedModel } from "../model-server/src/testing/trained-model.ts";
import { BUILD_HINT, resolveBinaries } from "./testenv/binaries.ts";
import { freePorts } from "./testenv/ports.ts";
import { waitUntil } from "./testenv/wait.ts";

const REPO = join(import.meta.dirname, "..");
const RULES_FILE = join(REPO, "config/monitoring/prometheus-rules.yaml");
const DASHBOARD = JSON.parse(
  readFileSync(join(REPO, "config/monitoring/grafana-dashboard.json"), "utf8"),
) as { panels: { title: string; targets?: { expr: string }[] }[] };
const RULE_COUNT = (parseYaml(readFileSync(RULES_FILE, "utf8")) as { groups: { rules: unknown[] }[] }).groups
  .map((g) => g.rules.length)
  .reduce((a, b) => a + b, 0);
const NAMESPACE = "monitoring-test";
const JOB = "sentiment-model";

const POSITIVES = 20;
const NEGATIVES = 10;
const FAILURES = 6;

interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

interface Prometheus {
  readonly url: string;
  /** An instant query; fails the test on a query error (with Prometheus's message). */
  query(expr: string): Promise<Sample[]>;
  /** The first sample's value, or undefined when the query returns nothing. */
  value(expr: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

async function startPrometheus(target: string): Promise<Prometheus> {
  const bin = resolveBinaries().found.prometheus?.path;
  if (!bin) throw new Error(`Prometheus is missing from the test binaries: ${BUILD_HINT}.`);
  const dir = await mkdtemp(join(tmpdir(), "prometheus-test-"));
  const [port] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  await writeFile(
    join(dir, "prometheus.yml"),
    JSON.stringify({
      global: { scrape_interval: "1s", evaluation_interval: "1s" },
      rule_files: [RULES_FILE],
      scrape_configs: [
        { job_name: JOB, static_configs: [{ targets: [target], labels: { namespace: NAMESPACE } }] },
      ],
    }),
  );
  let log = "";
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (c: Buffer) => (log += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString()));
  await waitUntil("Prometheus to be ready", async () => {
    if (child.exitCode !== null) throw new Error(`Prometheus exited: ${log.slice(-3000)}`);
    return (await fetch(`${url}/-/ready`)).ok;
  });
  const query = async (expr: string): Promise<Sample[]> => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await r.json()) as { status: string; error?: string; data?: { result: Sample[] } };
    assert.equal(body.status, "success", `${expr}: ${body.error ?? r.status}`);
    return body.data!.result;
  };
  return {
    url,
    query,
    async value(expr) {
      const [first] = await query(expr);
      return first === undefined ? undefined : Number(first.value[1]);
    },
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe("config/monitoring on a real Prometheus scraping a real model server", () => {
  let server: TestServer;
  let prometheus: Prometheus;

  before(async () => {
    server = await startServer({ modelDir: (await trainedModel()).dir });
    prometheus = await startPrometheus(new URL(server.url).host);
    // A first scrape before the traffic, so rate() has a sample on each side of it.
    await waitUntil("the first scrape", async () => (await prometheus.value(`up{job="${JOB}"}`)) === 1, {
      intervalMs: 250,
    });
    for (const [text, count, status] of [
      [POSITIVE_REVIEW, POSITIVES, 200],
      [NEGATIVE_REVIEW, NEGATIVES, 200],
      ["", FAILURES, 400],
    ] as const) {
      for (let i = 0; i < count; i++)
        assert.equal((await post(`${server.url}/predict`, { text })).status, status);
    }
    await waitUntil(
      "Prometheus to scrape the traffic",
      async () =>
        (await prometheus.value(`sum(increase(model_predictions_total[1m]))`)) !== undefined &&
        (await prometheus.value(`sum(model_predictions_total)`)) === POSITIVES + NEGATIVES &&
        (await prometheus.value(`sum(model_prediction_errors_total)`)) === FAILURES,
      { intervalMs: 250 },
    );
  });

  after(async () => {
    await prometheus?.stop();
    await server?.close();
  });

  test("every alert rule loads and evaluates without errors", async () => {
    const rules = await waitUntil(
      "every rule to be evaluated once",
      async () => {
        const r = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
          data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
        };
        const all = r.data.groups.flatMap((g) => g.rules);
        return all.length === RULE_COUNT && all.every((x) => x.health !== "unknown") ? all : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    for (const r of rules) assert.equal(r.health, "ok", `${r.name}: ${r.lastError ?? ""}`);
  });

  test("every dashboard query runs, and the panels show what was sent", async () => {
    const values = new Map<string, Sample[]>();
    for (const panel of DASHBOARD.panels) {
      for (const t of panel.targets ?? []) {
        const expr = t.expr.replaceAll("$__rate_interval", "1m").replaceAll("$model", ".+");
        const result = await prometheus.query(expr);
        assert.ok(result.length > 0, `panel "${panel.title}" shows nothing: ${expr}`);
        values.set(`${panel.title}#${values.size}`, result);
      }
    }
    const sample = (title: string): Sample => [...values].find(([k]) => k.startsWith(`${title}#`))![1][0]!;
    const mix = Number(sample("Sentiment mix (share positive)").value[1]);
    assert.ok(Math.abs(mix - POSITIVES / (POSITIVES + NEGATIVES)) < 0.01, `share positive ${mix}`);
    assert.ok(Number(sample("Predictions per second").value[1]) > 0);
    const errorRates = [...values].find(([k]) => k.startsWith("Prediction errors per second by reason#"))![1];
    const failing = errorRates.filter((x) => Number(x.value[1]) > 0).map((x) => x.metric["reason"]);
    assert.deepEqual(failing, ["InvalidRequest"]); // every other reason is there too, at 0
    const served = sample("Served model").metric;
    const m = server.holder.current()!.metadata;
    assert.deepEqual([served["model"], served["version"]], [m.name, m.version]);
  });

  test("a server whose requests fail has its error alert pending", async () => {
    // 6 failures against 30 scored texts: 17 %, above the 5 % threshold.
    const pending = await waitUntil(
      "SentimentModelHighErrorRate to go pending",
      async () => {
        const r = await prometheus.query(`ALERTS{alertname="SentimentModelHighErrorRate"}`);
        return r.length > 0 ? r : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    assert.equal(pending[0]!.metric["alertstate"], "pending"); // `for: 5m` has not passed
    assert.deepEqual([pending[0]!.metric["namespace"], pending[0]!.metric["job"]], [NAMESPACE, JOB]);
    assert.equal((await prometheus.query(`ALERTS{alertname="SentimentModelReloadFailing"}`)).length, 0);
  });
});
