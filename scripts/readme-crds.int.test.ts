/**
 * The README's CRD install, as a user with kubectl runs it, then `kubectl get mlops` at once.
 * kubectl caches API discovery (~/.kube/cache): a cache filled before the CRDs existed makes the
 * first `kubectl get mlops` fail with `the server doesn't have a resource type "mlops"` however long
 * one waits, because a category, unlike a resource name, does not refresh it.
 * `kubectl api-resources --categories=mlops` after the Established wait refreshes it.
 *
 * The shared test cluster may hold the real CRDs already, so this installs fresh copies under a
 * group and category of its own (no short names), runs the README's lines on them, and deletes them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, stringify } from "yaml";
import { useTestCluster } from "./testenv/cluster.ts";
import { REPO_ROOT } from "./testenv/paths.ts";

const cluster = useTestCluster();

/** The README's lines from `kubectl apply ... -f crds/` to the first command that uses the kinds. */
const README_LINES = [
  "kubectl apply --server-side -f crds/",
  "kubectl wait --for condition=established --timeout=60s -f crds/",
  "kubectl api-resources --categories=mlops",
];

interface Crd {
  metadata: { name: string };
  spec: { group: string; names: { plural: string; shortNames?: string[]; categories?: string[] } };
}

test("the README's CRD install lets `kubectl get mlops` work at once, even with a stale discovery cache", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8").split("\n");
  const at = README_LINES.map((l) => readme.findIndex((r) => r.startsWith(l)));
  assert.ok(
    at.every((i, n) => i >= 0 && (n === 0 || i === at[n - 1]! + 1)),
    `the README runs these lines in a row:\n${README_LINES.join("\n")}`,
  );

  const suffix = randomBytes(3).toString("hex");
  const group = `readme${suffix}.sentiment.mlops.dev`;
  const category = `mlops${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), "readme-crds-"));
  const names: string[] = [];
  for (const file of readdirSync(join(REPO_ROOT, "crds")).filter((f) => f.endsWith(".yaml"))) {
    const crd = parse(readFileSync(join(REPO_ROOT, "crds", file), "utf8")) as Crd;
    crd.spec.group = group;
    crd.metadata.name = `${crd.spec.names.plural}.${group}`;
    delete crd.spec.names.shortNames;
    crd.spec.names.categories = [category];
    writeFileSync(join(dir, file), stringify(crd));
    names.push(crd.metadata.name);
  }
  const cacheDir = mkdtempSync(join(tmpdir(), "kube-cache-"));
  const kubectl = (line: string) => {
    const args = line
      .replace(/^kubectl /, "")
      .replace(/ -f crds\/$/, ` -f ${dir}`)
      .replace(/=mlops$/, `=${category}`)
      .split(" ");
    const r = spawnSync(
      "kubectl",
      ["--kubeconfig", cluster.kubeconfigPath, "--cache-dir", cacheDir, ...args],
      {
        encoding: "utf8",
        timeout: 90_000,
      },
    );
    if (r.error) throw new Error(`kubectl is needed for this test and could not run: ${r.error.message}`);
    return r;
  };
  try {
    // A user who has used kubectl on this cluster before: discovery cached without the kinds.
    assert.equal(kubectl("kubectl get namespaces").status, 0);
    for (const line of README_LINES) {
      const r = kubectl(line);
      assert.equal(r.status, 0, `${line}: ${r.stderr}`);
      if (line.includes("api-resources"))
        assert.match(r.stdout, /SentimentModel\n.*TrainingRun\n$/s, "both kinds listed");
    }
    const get = kubectl(`kubectl get ${category} -A`);
    assert.equal(get.status, 0, get.stderr);
    assert.equal(get.stderr.trim(), "No resources found");
  } finally {
    spawnSync("kubectl", ["--kubeconfig", cluster.kubeconfigPath, "delete", "crd", ...names, "--wait=false"]);
  }
});
