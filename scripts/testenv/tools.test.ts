/**
 * What `testenv:up` tells a user about Helm and kubectl, and `npm run helm --` as they run it:
 * the real binaries on this machine, and an empty machine (no cache, nothing on PATH).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BUILD_HINT } from "./binaries.ts";
import { REPO_ROOT } from "./paths.ts";
import { kubectlSkew, onPath, testenvHelm, toolLines } from "./tools.ts";
import { VERSIONS } from "./versions.ts";

const helm = () => {
  const path = testenvHelm();
  assert.ok(path, `the test environment's Helm is missing: ${BUILD_HINT}`);
  return path;
};

describe("testenv:up's tool lines", () => {
  test("name the Helm that runs and the kubectl on PATH, and how to run them", () => {
    const [helmLine, kubectlLine] = toolLines();
    assert.equal(
      helmLine,
      `Helm ${VERSIONS.helm}: ${helm()} (not on PATH; run it as \`npm run helm -- <args>\`).`,
    );
    const kubectl = onPath("kubectl");
    assert.ok(kubectl, "kubectl is needed on PATH (the README's requirements)");
    assert.match(kubectlLine!, new RegExp(`^kubectl: ${kubectl} \\(v1\\.\\d+\\.\\d+[^;]*; yours, from PATH`));
  });

  test("on an empty machine say how to get each", () => {
    const cache = mkdtempSync(join(tmpdir(), "tools-cache-"));
    const lines = toolLines({ PATH: join(cache, "bin"), XDG_CACHE_HOME: cache });
    assert.deepEqual(lines, [
      `Helm ${VERSIONS.helm} is not built yet: \`npm run helm -- <args>\` builds it into ${join(cache, "sentiment-operator", "k8s")}/k8s-${VERSIONS.kubernetes}_etcd-${VERSIONS.etcd}_kwok-${VERSIONS.kwok}_helm-${VERSIONS.helm}_prometheus-${VERSIONS.prometheus}/bin on first use (Go >= 1.24), or use your own helm.`,
      `kubectl is not on PATH and the test environment brings none: install kubectl within one minor version of Kubernetes ${VERSIONS.kubernetes} (https://kubernetes.io/docs/tasks/tools/).`,
    ]);
  });
});

test("a kubectl more than one minor from the cluster is named as the problem", () => {
  const minor = Number(VERSIONS.kubernetes.split(".")[1]);
  const table: [string, boolean][] = [
    [`v1.${minor}.0`, false],
    [`v1.${minor - 1}.4-dispatcher`, false],
    [`v1.${minor + 1}.2`, false],
    [`v1.${minor - 2}.9`, true],
    [`v1.${minor + 2}.0`, true],
    ["unknown", false],
  ];
  for (const [version, skewed] of table) assert.equal(kubectlSkew(version) !== undefined, skewed, version);
});

describe("npm run helm --", () => {
  const npmHelm = (args: string[]) =>
    spawnSync("npm", ["run", "-s", "helm", "--", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });

  test("runs the pinned Helm", () => {
    helm();
    const r = npmHelm(["version", "--short"]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `v${VERSIONS.helm}\n`);
  });

  test("exits with Helm's status and shows Helm's error", () => {
    helm();
    const r = npmHelm(["no-such-command"]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown command "no-such-command" for "helm"/);
  });
});
