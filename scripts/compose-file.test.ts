/**
 * compose.yaml agrees with the code: ports, paths and names it repeats are the ones the programs
 * use, and every file it mounts is the project's own (config/), present in the checkout.
 * (`npm run check:compose` also runs a real compose implementation's `config` on it.)
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- YAML documents walked by field name; the assertions are the shape check */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { CONFIG_DEFAULTS } from "../model-server/src/config.ts";
import { defaultOutputPath, modelPvcName } from "../operator/src/api/names.ts";
import { DEFAULT_METRICS_PORT } from "../operator/src/cli.ts";
import { localServicePort } from "../operator/src/core/sentiment-model/status.ts";

const ROOT = resolve(import.meta.dirname, "..");
const load = (p: string): Record<string, any> =>
  parse(readFileSync(join(ROOT, p), "utf8")) as Record<string, any>;
const file = load("compose.yaml");
const services = file["services"] as Record<string, any>;
const sampleModel = load("config/samples/sentimentmodel.yaml");
const sampleRun = load("config/samples/trainingrun.yaml");
const prometheus = load("config/compose/prometheus.yml");

const published = (svc: string): Map<number, number> =>
  new Map(
    (services[svc]["ports"] as string[]).map((p) => {
      const [host, container] = p.split(":").map(Number) as [number, number];
      return [container, host];
    }),
  );
const binds = (svc: string): [string, string][] =>
  ((services[svc]["volumes"] ?? []) as unknown[])
    .filter((v): v is string => typeof v === "string" && v.startsWith("."))
    .map((v) => v.split(":") as [string, string]);

describe("compose.yaml", () => {
  test("mounts only files and directories of the checkout (config/ as is, never copies)", () => {
    for (const svc of Object.keys(services))
      for (const [source] of binds(svc))
        if (!source.startsWith("../shared"))
          assert.ok(existsSync(join(ROOT, source)), `${svc} mounts ${source}, which does not exist`);
  });

  test("the operator publishes the sample model's front port and its own metrics port", () => {
    const front = localServicePort(sampleModel["spec"]["service"]["port"] as number);
    const ports = published("operator");
    assert.ok(ports.has(front), `front port ${front} published`);
    assert.ok(ports.has(DEFAULT_METRICS_PORT), `metrics port ${DEFAULT_METRICS_PORT} published`);
    const command = services["operator"]["command"] as string[];
    assert.ok(command.includes(`--metrics-port=${DEFAULT_METRICS_PORT}`));
    assert.ok(command.includes("--address=0.0.0.0"), "front ports reachable from outside the container");
    for (const sample of ["sentimentmodel.yaml", "trainingrun.yaml"])
      assert.ok(command.includes(`/app/config/samples/${sample}`));
  });

  test("the server serves the sample run's model from the operator's model store, on its default port", () => {
    const server = services["server"];
    assert.equal(Number(server["environment"]["PORT"]), CONFIG_DEFAULTS.port);
    assert.ok(published("server").has(CONFIG_DEFAULTS.port));
    const volume = (server["volumes"] as { target: string; volume: { subpath: string } }[])[0]!;
    assert.equal(volume.volume.subpath, `volumes/${modelPvcName(sampleModel["metadata"]["name"] as string)}`);
    const path = defaultOutputPath(
      sampleRun["spec"]["model"] as string,
      sampleRun["metadata"]["name"] as string,
    );
    assert.equal(server["environment"]["MODEL_DIR"], `${volume.target}/${path}`);
  });

  test("Prometheus loads the project's rules and scrapes the operator, the front port and the server", () => {
    const rules = binds("prometheus").find(([s]) => s === "./config/monitoring/prometheus-rules.yaml");
    assert.ok(rules, "the project's rules are mounted");
    assert.deepEqual(prometheus["rule_files"], [rules[1].replace(/:ro$/, "")]);
    const targets = (prometheus["scrape_configs"] as { static_configs: { targets: string[] }[] }[]).flatMap(
      (c) => c.static_configs.flatMap((s) => s.targets),
    );
    const front = localServicePort(sampleModel["spec"]["service"]["port"] as number);
    assert.deepEqual(
      new Set(targets),
      new Set([`operator:${DEFAULT_METRICS_PORT}`, `operator:${front}`, `server:${CONFIG_DEFAULTS.port}`]),
    );
    const modelJob = (prometheus["scrape_configs"] as { job_name: string }[]).find(
      (c) => c.job_name !== "sentiment-operator",
    );
    assert.equal(
      modelJob?.job_name,
      sampleModel["metadata"]["name"],
      "job = the model's Service, as a ServiceMonitor names it",
    );
  });

  test("Grafana gets the project's dashboard from the provisioned folder and a Prometheus datasource", () => {
    const provider = load("config/compose/grafana/dashboards.yaml")["providers"][0] as {
      options: { path: string };
    };
    const dash = binds("grafana").find(([s]) => s === "./config/monitoring/grafana-dashboard.json");
    assert.ok(dash && dash[1].startsWith(`${provider.options.path}/`));
    const ds = load("config/compose/grafana/datasources.yaml")["datasources"][0] as {
      type: string;
      url: string;
    };
    const dashboard = JSON.parse(
      readFileSync(join(ROOT, "config/monitoring/grafana-dashboard.json"), "utf8"),
    ) as {
      templating: { list: { type: string; query: string }[] };
    };
    const variable = dashboard.templating.list.find((v) => v.type === "datasource");
    assert.equal(variable?.query, ds.type);
    assert.equal(ds.url, `http://prometheus:${published("prometheus").keys().next().value as number}`);
  });
});
