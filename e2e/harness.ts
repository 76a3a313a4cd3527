/**
 * The end-to-end suite's view of its cluster: kubectl and helm against SENTIMENT_TEST_KUBECONFIG
 * (any cluster: kind, k3s, `npm run testenv:up -- --real-node`), port-forwards, polling, and the
 * images under test. Everything goes through the same CLIs a user types.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { createInterface } from "node:readline";
import { testenvHelm } from "#testenv/tools.ts";
import { REPO_ROOT } from "#testenv/paths.ts";

export { REPO_ROOT };

export function kubeconfig(): string {
  const path = process.env["SENTIMENT_TEST_KUBECONFIG"];
  if (!path || !existsSync(path)) {
    throw new Error(
      "The end-to-end suite needs a cluster that runs containers: start one with " +
        "`npm run testenv:up -- --real-node` and set SENTIMENT_TEST_KUBECONFIG to the kubeconfig it prints " +
        "(or to a kind/k3s cluster's kubeconfig with the two images loaded).",
    );
  }
  return path;
}

export const IMAGES = {
  operator: process.env["SENTIMENT_E2E_OPERATOR_IMAGE"] ?? "localhost/sentiment-operator:dev",
  server: process.env["SENTIMENT_E2E_SERVER_IMAGE"] ?? "localhost/sentiment-server:dev",
};

export function imdbArchive(): string {
  const path = process.env["SENTIMENT_IMDB_PATH"];
  if (!path || !existsSync(path))
    throw new Error(
      "Set SENTIMENT_IMDB_PATH to the IMDB archive (aclImdb_v1*.tar.gz): the trainer reads it.",
    );
  return path;
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, KUBECONFIG: kubeconfig() },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => errs.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(errs).toString(),
      }),
    );
    child.stdin.end(input ?? "");
  });
}

/** kubectl; throws with its stderr unless it exits 0 (`allowFail` returns the result instead). */
export async function kubectl(args: readonly string[], opts: { input?: string; allowFail?: boolean } = {}) {
  const r = await run("kubectl", args, opts.input);
  if (r.code !== 0 && !opts.allowFail)
    throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r;
}

export async function kubectlJson<T = Record<string, unknown>>(args: readonly string[]): Promise<T> {
  return JSON.parse((await kubectl([...args, "-o", "json"])).stdout) as T;
}

export async function apply(namespace: string, objects: readonly object[]): Promise<void> {
  await kubectl(["apply", "-n", namespace, "-f", "-"], {
    input: JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
  });
}

/** The test cluster's Helm (built by `npm run testenv:build`), else `helm` on PATH. */
export function helmBinary(): string {
  return testenvHelm() ?? "helm";
}

export async function helm(args: readonly string[]): Promise<Run> {
  const r = await run(helmBinary(), args);
  if (r.code !== 0) throw new Error(`helm ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r;
}

/** Polls until `check` returns a value (not undefined); the timeout error carries the last state. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  describe: () => Promise<string> = () => Promise.resolve(""),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs / 1000}s waiting for ${what}.${lastError ? ` Last error: ${lastError}` : ""}\n${await describe().catch(() => "")}`,
      );
    }
    await sleep(1000);
  }
}

export interface PortForward {
  readonly url: string;
  stop(): void;
}

/** `kubectl port-forward` to a Service; resolves once it listens on a local port. */
export function portForward(namespace: string, target: string, remotePort: number): Promise<PortForward> {
  return new Promise((resolve, reject) => {
    const child = spawn("kubectl", ["port-forward", "-n", namespace, target, `:${remotePort}`], {
      env: { ...process.env, KUBECONFIG: kubeconfig() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const errs: string[] = [];
    child.stderr.on("data", (b: Buffer) => errs.push(b.toString()));
    child.on("exit", (code) =>
      reject(new Error(`kubectl port-forward exited with ${code}: ${errs.join("")}`)),
    );
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(line);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}`, stop: () => child.kill("SIGTERM") });
    });
  });
}

export async function predict(url: string, text: string): Promise<{ sentiment: string; confidence: number }> {
  const res = await fetch(`${url}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`POST /predict answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { sentiment: string; confidence: number };
}

/** Events and pods of a namespace: what a failed wait prints. */
export async function describeNamespace(namespace: string): Promise<string> {
  const pods = await kubectl(["get", "pods,jobs,pvc", "-n", namespace, "-o", "wide"], { allowFail: true });
  const events = await kubectl(["get", "events", "-n", namespace, "--sort-by=.lastTimestamp"], {
    allowFail: true,
  });
  const mlops = await kubectl(["get", "mlops", "-n", namespace, "-o", "yaml"], { allowFail: true });
  return `${pods.stdout}\n${events.stdout.split("\n").slice(-25).join("\n")}\n${mlops.stdout.slice(-4000)}`;
}
