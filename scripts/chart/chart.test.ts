/**
 * The Helm chart, rendered by the pinned helm (no cluster needed; chart.int.test.ts installs it):
 * lint, the values schema, the security rules, and the contract with the code: the Deployment's
 * arguments and config file are parsed by the operator's real CLI, the RBAC rules are exactly
 * config/rbac's.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseCli, type RunOptions } from "../../operator/src/cli.ts";
import { CHART_DIR, helm, helmPath, renderChart, valueFlags, type RenderedObject } from "./helm.ts";
import { operatorOptions, type ConfigMapLike, type OperatorDeployment } from "./operator-options.ts";
import { podSecurityViolations } from "./pod-security.ts";

const REPO = join(import.meta.dirname, "..", "..");
const readYaml = <T>(path: string): T => parseYaml(readFileSync(join(REPO, path), "utf8")) as T;
const NS = "sentiment-system";
const DEFAULT_SERVER_IMAGE = "ghcr.io/sentiment-mlops/sentiment-server:0.1.0";

async function render(values: Record<string, unknown> = {}): Promise<RenderedObject[]> {
  const r = await renderChart({ namespace: NS, values });
  assert.ok(r.ok, r.ok ? "" : `helm template failed: ${r.error.message}`);
  return r.value;
}

/** The stderr of a `helm template` that must fail. */
async function renderError(values: Record<string, unknown>): Promise<string> {
  const r = await renderChart({ namespace: NS, values });
  assert.ok(!r.ok, `helm template accepted ${JSON.stringify(values)}`);
  return r.error.message;
}

const find = (objects: RenderedObject[], kind: string): RenderedObject[] =>
  objects.filter((o) => o.kind === kind);
const one = (objects: RenderedObject[], kind: string): RenderedObject => {
  const found = find(objects, kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${found.length}`);
  return found[0]!;
};

interface Container {
  args: string[];
  ports: { name: string; containerPort: number }[];
}
const deploymentOf = (objects: RenderedObject[]): OperatorDeployment =>
  one(objects, "Deployment") as unknown as OperatorDeployment;
const containerOf = (objects: RenderedObject[]): Container =>
  deploymentOf(objects).spec.template.spec.containers[0] as Container;

/** The operator's options from the rendered Deployment, parsed by its own CLI (see operator-options.ts). */
function optionsOf(objects: RenderedObject[], pod = { namespace: NS, name: "op-abc12" }): RunOptions {
  const configMaps = find(objects, "ConfigMap") as unknown as ConfigMapLike[];
  const r = operatorOptions(deploymentOf(objects), configMaps, pod);
  assert.ok(r.ok, r.ok ? "" : `the operator rejects the chart's Deployment: ${r.error.message}`);
  return r.value;
}

/** The options of a bare `sentiment-operator run`. */
function parseCliDefaults(): RunOptions {
  const r = parseCli(["run"], {});
  assert.ok(r.ok && r.value.command === "run");
  return r.value.options;
}

describe("helm", () => {
  test("is the pinned one, found through scripts/testenv's binary resolution", async () => {
    const path = helmPath();
    assert.ok(path.ok, path.ok ? "" : path.error.message);
    const r = await helm(["version", "--short"]);
    assert.equal(r.code, 0, r.stderrTail);
    assert.match(r.stdout, /^v3\.19\.5\b/);
  });

  test("a missing helm is a failure that says how to get it", () => {
    const empty = mkdtempSync(join(tmpdir(), "no-helm-"));
    const r = helmPath({ KUBEBUILDER_ASSETS: empty, XDG_CACHE_HOME: empty });
    assert.ok(!r.ok);
    assert.equal(r.error.reason, "HelmMissing");
    assert.match(r.error.message, /helm 3\.19\.5 is missing .*npm run testenv:build/);
  });
});

describe("helm lint --strict", () => {
  const variants: Record<string, Record<string, unknown>> = {
    defaults: {},
    "one watched namespace, one replica": { watchNamespace: "team-a", replicaCount: 1 },
    "everything on": {
      "metrics.serviceMonitor.enabled": true,
      "monitoring.prometheusRule.enabled": true,
      "monitoring.grafanaDashboard.enabled": true,
      config: { imagePullPolicy: "Always", monitoringNamespaces: ["monitoring"] },
      "image.digest": `sha256:${"a".repeat(64)}`,
    },
  };
  for (const [name, values] of Object.entries(variants)) {
    test(name, async () => {
      const r = await helm(["lint", "--strict", CHART_DIR, "--namespace", NS, ...valueFlags(values)]);
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderrTail}`);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe("values.schema.json rejects bad values, naming the key", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["a replica count as text", { replicaCount: "two" }, /replicaCount/],
    ["an unknown top-level key", { replicas: 3 }, /replicas/],
    [
      "an unknown operator config key",
      { config: { trainerImagePullPolicy: "Always" } },
      /trainerImagePullPolicy/,
    ],
    ["an image in the config file instead of workloads", { config: { trainerImage: "x:1" } }, /trainerImage/],
    ["a bad pull policy in the config", { config: { imagePullPolicy: "Sometimes" } }, /imagePullPolicy/],
    ["a bad log level", { logLevel: "verbose" }, /logLevel/],
    ["a resync period that is not a duration", { resyncPeriod: "ten minutes" }, /resyncPeriod/],
    ["a namespace that is not a DNS label", { watchNamespace: "Team_A" }, /watchNamespace/],
    ["a digest that is not sha256", { "image.digest": "md5:abc" }, /digest/],
  ];
  for (const [name, values, key] of cases) {
    test(name, async () => assert.match(await renderError(values), key));
  }

  test("several replicas without leader election fail with the reason", async () => {
    assert.match(
      await renderError({ "leaderElection.enabled": false, replicaCount: 2 }),
      /replicaCount > 1 needs leaderElection\.enabled=true/,
    );
  });

  test("serviceAccount.create=false needs a name", async () => {
    assert.match(await renderError({ "serviceAccount.create": false }), /serviceAccount\.name is required/);
  });
});

describe("the default render", () => {
  test("holds the operator's objects, all in the release namespace or cluster-scoped", async () => {
    const objects = await render();
    assert.deepEqual(objects.map((o) => o.kind).sort(), [
      "ClusterRole",
      "ClusterRoleBinding",
      "ConfigMap",
      "Deployment",
      "PodDisruptionBudget",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
    ]);
    for (const o of objects) {
      if (o.kind.startsWith("Cluster")) assert.equal(o.metadata.namespace, undefined, o.kind);
      else assert.equal(o.metadata.namespace, NS, `${o.kind}/${o.metadata.name}`);
    }
  });

  test("runs 2 replicas with leader election, watching every namespace, with the server image for both workloads", async () => {
    const objects = await render();
    assert.equal((one(objects, "Deployment") as unknown as { spec: { replicas: number } }).spec.replicas, 2);
    const o = optionsOf(objects);
    assert.equal(o.leaderElect, true);
    assert.equal(
      o.leaderElectionNamespace,
      NS,
      "the Lease must live in the release namespace (POD_NAMESPACE)",
    );
    assert.equal(o.namespace, undefined);
    assert.match(o.identity, /^op-abc12_/, "the pod name is the Lease holder identity");
    assert.equal(o.config.serverImage, DEFAULT_SERVER_IMAGE);
    assert.equal(o.config.trainerImage, DEFAULT_SERVER_IMAGE, "the server image carries the trainer");
    assert.equal(o.workers, parseCliDefaults().workers, "workers unset: the operator's default");
    assert.equal(o.resyncPeriodMs, 600_000);
    assert.equal(o.logLevel, "info");
  });

  test("probes and the Service reach the port the operator listens on", async () => {
    const objects = await render({ "metrics.port": 9443 });
    const o = optionsOf(objects);
    const c = containerOf(objects);
    assert.equal(o.metricsPort, 9443);
    assert.deepEqual(
      c.ports.map((p) => [p.name, p.containerPort]),
      [["metrics", 9443]],
    );
    const service = one(objects, "Service") as unknown as { spec: { ports: { targetPort: string }[] } };
    assert.equal(service.spec.ports[0]!.targetPort, "metrics");
  });

  test("follows the security rules (non-root, read-only root, no escalation, drop ALL, seccomp, emptyDir /tmp)", async () => {
    for (const values of [
      {},
      { watchNamespace: "team-a", replicaCount: 1 },
      { "image.digest": `sha256:${"b".repeat(64)}` },
    ]) {
      const objects = await render(values);
      assert.deepEqual(objects.flatMap(podSecurityViolations), [], JSON.stringify(values));
    }
  });

  test("grants exactly the rules of config/rbac, copied by gen:chart", async () => {
    const objects = await render();
    const rules = (o: RenderedObject): unknown => (o as unknown as { rules: unknown }).rules;
    assert.deepEqual(
      rules(one(objects, "ClusterRole")),
      readYaml<{ rules: unknown }>("config/rbac/cluster-role.yaml").rules,
    );
    assert.deepEqual(
      rules(one(objects, "Role")),
      readYaml<{ rules: unknown }>("config/rbac/leader-election-role.yaml").rules,
    );
    const binding = one(objects, "ClusterRoleBinding") as unknown as {
      roleRef: { name: string };
      subjects: { name: string; namespace: string }[];
    };
    assert.equal(binding.roleRef.name, one(objects, "ClusterRole").metadata.name);
    assert.deepEqual(
      binding.subjects.map((s) => [s.name, s.namespace]),
      [[one(objects, "ServiceAccount").metadata.name, NS]],
    );
  });
});

describe("values change what the operator is told", () => {
  test("watchNamespace: --namespace, and the rules granted in that namespace only", async () => {
    const objects = await render({ watchNamespace: "team-a" });
    assert.equal(optionsOf(objects).namespace, "team-a");
    assert.equal(find(objects, "ClusterRoleBinding").length, 0, "no cluster-wide grant");
    const bindings = find(objects, "RoleBinding") as unknown as {
      metadata: { namespace: string };
      roleRef: { kind: string; name: string };
    }[];
    const grant = bindings.find((b) => b.roleRef.kind === "ClusterRole");
    assert.equal(grant?.metadata.namespace, "team-a");
    assert.equal(grant?.roleRef.name, one(objects, "ClusterRole").metadata.name);
  });

  test("config and workloads reach the operator's config, validated by its own schema", async () => {
    const objects = await render({
      config: {
        imagePullPolicy: "Always",
        monitoringNamespaces: ["monitoring"],
        clusterDomain: "corp.local",
      },
      "workloads.serverImage": "registry.corp/sentiment-server:1.2.3",
      workers: 4,
      resyncPeriod: "1h30m",
      logLevel: "debug",
    });
    const o = optionsOf(objects);
    assert.equal(o.config.imagePullPolicy, "Always");
    assert.deepEqual(o.config.monitoringNamespaces, ["monitoring"]);
    assert.equal(o.config.clusterDomain, "corp.local");
    assert.equal(o.config.serverImage, "registry.corp/sentiment-server:1.2.3");
    assert.equal(o.config.trainerImage, "registry.corp/sentiment-server:1.2.3");
    assert.deepEqual([o.workers, o.resyncPeriodMs, o.logLevel], [4, 5_400_000, "debug"]);
  });

  test("a config change rolls the pods (checksum annotation), the same config does not", async () => {
    const checksum = async (values: Record<string, unknown>): Promise<string> =>
      (
        one(await render(values), "Deployment") as unknown as {
          spec: { template: { metadata: { annotations: Record<string, string> } } };
        }
      ).spec.template.metadata.annotations["checksum/config"]!;
    const a = await checksum({ config: { clusterDomain: "a.local" } });
    assert.equal(await checksum({ config: { clusterDomain: "a.local" } }), a);
    assert.notEqual(await checksum({ config: { clusterDomain: "b.local" } }), a);
  });

  test("rbac.create=false and serviceAccount.create=false leave identity to the user", async () => {
    const objects = await render({
      "rbac.create": false,
      "serviceAccount.create": false,
      "serviceAccount.name": "mine",
    });
    assert.deepEqual(
      objects.map((o) => o.kind).filter((k) => /Role|ServiceAccount/.test(k)),
      [],
    );
    const dep = one(objects, "Deployment") as unknown as {
      spec: { template: { spec: { serviceAccountName: string } } };
    };
    assert.equal(dep.spec.template.spec.serviceAccountName, "mine");
  });

  test("monitoring: the operator's ServiceMonitor, the model alerts and the dashboard, from config/monitoring", async () => {
    const objects = await render({
      "metrics.serviceMonitor.enabled": true,
      "metrics.serviceMonitor.labels": { release: "prometheus" },
      "monitoring.prometheusRule.enabled": true,
      "monitoring.grafanaDashboard.enabled": true,
    });
    const sm = one(objects, "ServiceMonitor") as unknown as { metadata: { labels: Record<string, string> } };
    assert.equal(sm.metadata.labels["release"], "prometheus");
    const rule = one(objects, "PrometheusRule") as unknown as { spec: unknown };
    assert.deepEqual(rule.spec, readYaml("config/monitoring/prometheus-rules.yaml"));
    const dashboard = find(objects, "ConfigMap").find((c) =>
      c.metadata.name.endsWith("-dashboard"),
    ) as unknown as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    assert.equal(dashboard.metadata.labels["grafana_dashboard"], "1");
    assert.deepEqual(
      JSON.parse(dashboard.data["sentiment-models.json"]!),
      JSON.parse(readFileSync(join(REPO, "config/monitoring/grafana-dashboard.json"), "utf8")),
    );
  });

  test("one replica needs no PodDisruptionBudget (it would block every drain)", async () => {
    assert.equal(find(await render({ replicaCount: 1 }), "PodDisruptionBudget").length, 0);
  });
});
