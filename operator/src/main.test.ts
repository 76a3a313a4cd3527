/**
 * A newcomer's first commands, run as the real program: each failure is one line that says what
 * is missing and how to give it, never a stack trace.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = join(import.meta.dirname, "..", "bin", "sentiment-operator.js");

function operator(args: string[], env: NodeJS.ProcessEnv = {}) {
  const home = mkdtempSync(join(tmpdir(), "operator-home-"));
  const base: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete base["KUBECONFIG"];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...base, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, home };
}

const oneLine = (stderr: string): string => {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  return lines[0]!;
};

describe("sentiment-operator run, first contact", () => {
  test("without a kubeconfig says what is missing and how to give it", () => {
    const r = operator(["run", "--metrics-port", "0"]);
    assert.equal(r.code, 2);
    assert.equal(
      oneLine(r.stderr),
      "sentiment-operator: No kubeconfig found: pass --kubeconfig PATH, set KUBECONFIG, create ~/.kube/config, or run in a cluster.",
    );
  });

  test("an unreadable --kubeconfig names the file", () => {
    const r = operator(["run", "--kubeconfig", "/nonexistent/kubeconfig"]);
    assert.equal(r.code, 2);
    assert.match(
      oneLine(r.stderr),
      /^sentiment-operator: Cannot load the kubeconfig: .*\/nonexistent\/kubeconfig.*Fix --kubeconfig \(KUBECONFIG\)\.$/,
    );
  });

  test("a metrics port in use is one line, before anything connects", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dir = mkdtempSync(join(tmpdir(), "operator-kc-"));
      const kubeconfig = join(dir, "config");
      writeFileSync(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
      );
      const r = operator([
        "run",
        "--kubeconfig",
        kubeconfig,
        "--metrics-host",
        "127.0.0.1",
        "--metrics-port",
        String(port),
      ]);
      assert.equal(r.code, 1);
      assert.equal(
        oneLine(r.stderr),
        `sentiment-operator: Port ${port} on 127.0.0.1 is in use: pass --metrics-port with a free port (0 picks one).`,
      );
    } finally {
      blocker.close();
    }
  });

  test("--help and --version answer without a cluster", () => {
    const help = operator(["run", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--metrics-port <n>/);
    const version = operator(["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });
});
