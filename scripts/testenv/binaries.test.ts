import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { binDir, requireBinaries, resolveBinaries } from "./binaries.ts";
import { BINARIES, versionsKey } from "./versions.ts";

const root = mkdtempSync(join(tmpdir(), "testenv-binaries-"));
after(() => rmSync(root, { recursive: true, force: true }));

function fakeBinaries(dir: string, names: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  for (const n of names) {
    writeFileSync(join(dir, n), "#!/bin/sh\n");
    chmodSync(join(dir, n), 0o755);
  }
}

test("the cache lives under XDG_CACHE_HOME, keyed by the pinned versions", () => {
  assert.equal(
    binDir({ XDG_CACHE_HOME: "/c" }),
    join("/c", "sentiment-operator", "k8s", versionsKey(), "bin"),
  );
});

test("KUBEBUILDER_ASSETS wins over the cache, binary by binary", () => {
  const env = { XDG_CACHE_HOME: join(root, "cache1"), KUBEBUILDER_ASSETS: join(root, "assets1") };
  fakeBinaries(binDir(env), BINARIES);
  fakeBinaries(env.KUBEBUILDER_ASSETS, ["etcd", "kube-apiserver"]);
  const { found, missing } = resolveBinaries(env);
  assert.deepEqual(missing, []);
  assert.deepEqual(found["kube-apiserver"], {
    path: join(env.KUBEBUILDER_ASSETS, "kube-apiserver"),
    source: "KUBEBUILDER_ASSETS",
  });
  assert.deepEqual(found.kwok, { path: join(binDir(env), "kwok"), source: "cache" });
});

test("a file that is not executable does not count", () => {
  const env = { XDG_CACHE_HOME: join(root, "cache2") };
  fakeBinaries(binDir(env), BINARIES);
  chmodSync(join(binDir(env), "etcd"), 0o644);
  assert.deepEqual(resolveBinaries(env).missing, ["etcd"]);
});

test("missing binaries give a failure that names them and says to run testenv:build", () => {
  const result = requireBinaries({ XDG_CACHE_HOME: join(root, "empty") });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.reason, "BinariesMissing");
  assert.match(
    result.error.message,
    /missing \(etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, helm, prometheus\)/,
  );
  assert.match(result.error.message, /npm run testenv:build/);
  assert.match(result.error.message, /KUBEBUILDER_ASSETS/);
});
