/**
 * `sentiment-operator run` as a real child process, for tests where process boundaries matter
 * (SIGKILL, two replicas electing a leader). Killed when the test ends, whatever happened.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { waitUntil } from "#testenv/cluster.ts";
import { REPO } from "./harness.ts";

export interface ChildOperator {
  readonly proc: ChildProcess;
  readonly identity: string;
  /** Port of /metrics, /healthz and /readyz (read from the "Started operator" log line). */
  readonly port: number;
  /** JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** GET a probe or /metrics; status and body. */
  get(path: string): Promise<{ status: number; body: string }>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
}

export async function spawnOperator(
  t: TestContext,
  kubeconfigPath: string,
  ns: string,
  identity: string,
  extra: string[] = [],
): Promise<ChildOperator> {
  const args = [
    join(REPO, "operator", "bin", "sentiment-operator.js"),
    "run",
    "--kubeconfig",
    kubeconfigPath,
    "--namespace",
    ns,
  ];
  args.push("--metrics-port", "0", "--metrics-host", "127.0.0.1", "--identity", identity, ...extra);
  const proc = spawn(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, SENTIMENT_OPERATOR_LOG_LEVEL: "debug" },
  });
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  t.after(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await exited;
  });
  const logs: Record<string, unknown>[] = [];
  let buffer = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ message: line });
      }
    }
  });
  const started = await waitUntil(
    `operator ${identity} to start`,
    () => {
      if (proc.exitCode !== null)
        throw new Error(`exited with ${proc.exitCode}: ${JSON.stringify(logs.slice(-5))}`);
      return logs.find((l) => l["message"] === "Started operator");
    },
    { timeoutMs: 20_000 },
  );
  const port = Number(started["metricsPort"]);
  return {
    proc,
    identity,
    port,
    logs,
    exited,
    async get(path) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: res.status, body: await res.text() };
    },
  };
}

/** The value of a metric line in Prometheus text (first match), or undefined. */
export function metricValue(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels}`) && !l.startsWith("#"));
  return line === undefined ? undefined : Number(line.split(" ").pop());
}
