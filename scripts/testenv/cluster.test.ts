import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { connectTestCluster } from "./cluster.ts";
import { renderKubeconfig } from "./kubeconfig.ts";
import { SETUP_ERROR_FILE } from "./state.ts";

const root = mkdtempSync(join(tmpdir(), "testenv-cluster-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("without a cluster, the error says how to get one", () => {
  assert.throws(
    () => connectTestCluster({}),
    (e: Error & { reason?: string }) => {
      assert.equal(e.reason, "NoCluster");
      assert.match(e.message, /npm test -- <files>/);
      assert.match(e.message, /SENTIMENT_TEST_KUBECONFIG/);
      return true;
    },
  );
});

test("a failed global setup is reported to every test with its reason and message", () => {
  const dir = join(root, "failed");
  mkdirSync(dir);
  writeFileSync(
    join(dir, SETUP_ERROR_FILE),
    JSON.stringify({ reason: "BinariesMissing", message: "run `npm run testenv:build`" }),
  );
  assert.throws(() => connectTestCluster({ SENTIMENT_TESTENV_DIR: dir }), {
    name: "FailureError",
    reason: "BinariesMissing",
    message: "run `npm run testenv:build`",
  });
});

test("SENTIMENT_TEST_KUBECONFIG selects an existing cluster, which is not managed", () => {
  const path = join(root, "kubeconfig");
  writeFileSync(
    path,
    renderKubeconfig({
      server: "https://127.0.0.1:6443",
      caPem: "CA",
      userName: "u",
      user: { kind: "token", token: "t" },
    }),
  );
  const cluster = connectTestCluster({
    SENTIMENT_TEST_KUBECONFIG: path,
    SENTIMENT_TESTENV_DIR: join(root, "ignored"),
  });
  assert.equal(cluster.server, "https://127.0.0.1:6443");
  assert.equal(cluster.managed, undefined);
  assert.equal(cluster.kubeconfigPath, path);
});

test("an unreadable kubeconfig is a clear error", () => {
  assert.throws(() => connectTestCluster({ SENTIMENT_TEST_KUBECONFIG: join(root, "absent") }), {
    reason: "BadKubeconfig",
  });
});
