/**
 * Drives the real `sentiment-operator compose` CLI for tests: `up` as a child process (killed by
 * PID at the end), one-shot commands, the state directory read back, and manifests written to
 * files. Nothing here fakes a component.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import type { KubeObject } from "../../api/kube-object.ts";
import { isAlive, type ProcessRecord } from "../processes.ts";
import { StateStore } from "../store.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const BIN = join(ROOT, "operator/bin/sentiment-operator.js");

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `compose` command to completion. */
export function compose(
  stateDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, "compose", ...args, "--state-dir", stateDir], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (code) => done({ code, stdout, stderr }));
  });
}

/** A running `compose up`. */
export class ComposeUp {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";

  constructor(stateDir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(
      process.execPath,
      [BIN, "compose", "up", "--state-dir", stateDir, "--no-prometheus", "--log-level", "info", ...args],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child.stdout!.on("data", (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr!.on("data", (c: Buffer) => (this.stderr += c.toString()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Ctrl-C, then waits for the exit (it stops every process it started first). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((r) => this.child.once("exit", (code) => r(code)));
    this.child.kill("SIGINT");
    return exited;
  }

  /** `kill -9`: nothing of it runs any more, its children are left as they are. */
  async kill9(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGKILL");
    await exited;
  }
}

export function tempStateDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `compose-${prefix}-`));
}

/** Reads an object (with status) straight from the state directory. */
export function read(
  stateDir: string,
  plural: string,
  name: string,
  namespace = "default",
): KubeObject | undefined {
  return new StateStore(stateDir).read(plural, namespace, name);
}

export const statusOf = (obj: KubeObject | undefined): Record<string, unknown> =>
  (obj?.["status"] ?? {}) as Record<string, unknown>;

/** Writes manifests as one multi-document YAML file and returns its path. */
export function manifestFile(dir: string, name: string, ...objects: object[]): string {
  const file = join(dir, name);
  writeFileSync(file, objects.map((o) => stringify(o)).join("---\n"));
  return file;
}

/** Every process the state directory's process table records now (`run/*.json`). */
export function recordedProcesses(stateDir: string): ProcessRecord[] {
  const dir = join(stateDir, "run");
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files.flatMap((f) => {
    try {
      return [JSON.parse(readFileSync(join(dir, f), "utf8")) as ProcessRecord];
    } catch {
      return [];
    }
  });
}

export const alivePids = (pids: readonly number[]): number[] => pids.filter((p) => isAlive(p));
