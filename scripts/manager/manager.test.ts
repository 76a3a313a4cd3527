/**
 * config/manager, the install without Helm (`kubectl apply -k config/manager`): its Deployment is
 * what the operator's CLI accepts, it follows the security rules, and it says what the chart's
 * default render says. chart.int.test.ts has the apiserver accept it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { renderChart } from "../chart/helm.ts";
import { operatorOptions, type OperatorDeployment } from "../chart/operator-options.ts";
import { podSecurityViolations } from "../chart/pod-security.ts";
import { buildKustomization, moveToNamespace, type ManifestObject } from "./kustomization.ts";

const DIR = join(import.meta.dirname, "..", "..", "config", "manager");
const NS = "sentiment-operator-system";
const objects = buildKustomization(DIR);
const one = (kind: string): ManifestObject => {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${found.length}`);
  return found[0]!;
};
const deployment = (): OperatorDeployment => one("Deployment") as unknown as OperatorDeployment;

describe("config/manager", () => {
  test("installs the namespace, the RBAC of config/rbac, the config, the Deployment, its Service and PDB", () => {
    assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
      "ClusterRole/sentiment-operator",
      "ClusterRoleBinding/sentiment-operator",
      "ConfigMap/sentiment-operator-config",
      "Deployment/sentiment-operator",
      "Namespace/sentiment-operator-system",
      "PodDisruptionBudget/sentiment-operator",
      "Role/sentiment-operator-leader-election",
      "RoleBinding/sentiment-operator-leader-election",
      "Service/sentiment-operator-metrics",
      "ServiceAccount/sentiment-operator",
    ]);
    for (const o of objects.filter(
      (x) => !["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(x.kind),
    )) {
      assert.equal(o.metadata.namespace, NS, `${o.kind}/${o.metadata.name}`);
    }
    assert.equal(one("Namespace").metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
  });

  test("runs 2 replicas with leader election in its own namespace, as the operator's CLI parses it", () => {
    assert.equal(deployment().spec.replicas, 2);
    const r = operatorOptions(
      deployment(),
      objects.filter((o) => o.kind === "ConfigMap"),
      {
        namespace: NS,
        name: "sentiment-operator-7d9f-abcde",
      },
    );
    assert.ok(r.ok, r.ok ? "" : r.error.message);
    assert.equal(r.value.leaderElect, true);
    assert.equal(r.value.leaderElectionNamespace, NS);
    assert.equal(r.value.namespace, undefined, "watches every namespace, like its ClusterRoleBinding grants");
    assert.equal(
      r.value.config.trainerImage,
      r.value.config.serverImage,
      "the server image carries the trainer",
    );
  });

  test("follows the security rules", () => {
    assert.deepEqual(objects.flatMap(podSecurityViolations), []);
  });

  test("the Service and the ServiceAccount match the Deployment", () => {
    const pod = deployment().spec.template;
    const service = one("Service") as unknown as {
      spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
    };
    for (const [k, v] of Object.entries(service.spec.selector)) assert.equal(pod.metadata.labels[k], v, k);
    assert.ok(pod.spec.containers[0]!.ports?.some((p) => p.name === service.spec.ports[0]!.targetPort));
    assert.equal(
      (pod.spec as { serviceAccountName?: string }).serviceAccountName,
      one("ServiceAccount").metadata.name,
    );
  });

  test("tells the operator what the chart's default render does", async () => {
    const rendered = await renderChart({ namespace: NS });
    assert.ok(rendered.ok, rendered.ok ? "" : rendered.error.message);
    const chartDeployment = rendered.value.find(
      (o) => o.kind === "Deployment",
    ) as unknown as OperatorDeployment;
    const container = (d: OperatorDeployment) => d.spec.template.spec.containers[0]!;
    assert.deepEqual(container(deployment()).args, container(chartDeployment).args);
    assert.deepEqual(container(deployment()).env, container(chartDeployment).env);
    const image = (d: OperatorDeployment) => (container(d) as { image?: string }).image;
    assert.equal(image(deployment()), image(chartDeployment));
  });

  test("moving the install to another namespace moves every reference", () => {
    const moved = moveToNamespace(objects, NS, "team-ops");
    assert.ok(!JSON.stringify(moved).includes(NS));
    const binding = moved.find((o) => o.kind === "ClusterRoleBinding") as unknown as {
      subjects: { namespace: string }[];
    };
    assert.equal(binding.subjects[0]!.namespace, "team-ops");
  });
});
