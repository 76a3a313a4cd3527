/**
 * A local MLflow tracking server for compose mode and the tests: a pinned MLflow from PyPI in a
 * virtualenv the project manages (`~/.cache/sentiment-operator/mlflow-<version>/`, outside any
 * clone), started on a loopback port with a SQLite backend, a local artifacts destination and the
 * artifact proxy on (`--serve-artifacts`).
 *
 * - `installMlflow()` creates the virtualenv once (`npm run mlflow:install`); a finished install
 *   is marked by a stamp file, so an interrupted one is redone.
 * - `startLocalMlflow()` never installs: a missing MLflow is a `Failure` saying how to install it.
 */
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { err, failure, ok, type Failure, type Result } from "../result.ts";

/** The MLflow release installed and tested (MLflow 3.x). */
export const MLFLOW_VERSION = "3.17.2";
const STAMP = ".sentiment-installed";

/** `$XDG_CACHE_HOME/sentiment-operator/mlflow-<version>`, else `~/.cache/...`. */
export function mlflowVenvDir(env: NodeJS.ProcessEnv = process.env, version = MLFLOW_VERSION): string {
  const cache = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(cache, "sentiment-operator", `mlflow-${version}`);
}

export const mlflowInstalled = (venv: string, version = MLFLOW_VERSION): boolean =>
  existsSync(join(venv, STAMP)) && readFileSync(join(venv, STAMP), "utf8").trim() === version;

export const INSTALL_HINT = "run `npm run mlflow:install` (needs python3 >= 3.10 and PyPI)";

/**
 * Installs MLflow `version` into `venv` unless it is already there. `python` (default
 * `$SENTIMENT_PYTHON` or `python3`) must be >= 3.10. pip's output goes to `output`.
 */
export function installMlflow(
  options: { venv?: string; version?: string; python?: string; output?: "inherit" | "ignore" } = {},
): Result<{ venv: string; installed: boolean }, Failure> {
  const version = options.version ?? MLFLOW_VERSION;
  const venv = options.venv ?? mlflowVenvDir(process.env, version);
  if (mlflowInstalled(venv, version)) return ok({ venv, installed: false });
  const python = options.python ?? process.env["SENTIMENT_PYTHON"] ?? "python3";
  const stdio = options.output ?? "inherit";
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(join(venv, ".."), { recursive: true });
  const steps: [string, string[]][] = [
    [python, ["-m", "venv", venv]],
    [
      join(venv, "bin", "pip"),
      ["install", "--disable-pip-version-check", "--only-binary", ":all:", `mlflow==${version}`],
    ],
  ];
  for (const [command, args] of steps) {
    const r = spawnSync(command, args, { stdio: ["ignore", stdio, stdio] });
    if (r.error !== undefined || r.status !== 0) {
      rmSync(venv, { recursive: true, force: true });
      return err(
        failure(
          "MlflowInstallFailed",
          `Installing MLflow ${version} failed at \`${command} ${args.join(" ")}\` (${r.error?.message ?? `exit ${r.status}`}): check python3 (>= 3.10) and access to PyPI.`,
        ),
      );
    }
  }
  writeFileSync(join(venv, STAMP), `${version}\n`);
  return ok({ venv, installed: true });
}

export interface LocalMlflow {
  /** `http://127.0.0.1:<port>`: the tracking URI and the UI. */
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  /** SIGTERM to the server's process group, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  /** Holds mlflow.db, artifacts/ and server.log. */
  readonly dataDir: string;
  readonly port: number;
  /** @default mlflowVenvDir() */
  readonly venv?: string;
  /** @default 180_000: the first start migrates the SQLite schema, which is slow on a busy machine. */
  readonly startTimeoutMs?: number;
  /** Added to the server's environment (compose mode marks its processes this way). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts `mlflow server` and resolves once `/health` answers; a Failure names the log on error. */
export async function startLocalMlflow(options: StartOptions): Promise<Result<LocalMlflow, Failure>> {
  const venv = options.venv ?? mlflowVenvDir();
  if (!mlflowInstalled(venv))
    return err(
      failure("MlflowNotInstalled", `MLflow ${MLFLOW_VERSION} is not installed in ${venv}: ${INSTALL_HINT}.`),
    );
  mkdirSync(join(options.dataDir, "artifacts"), { recursive: true });
  const logFile = join(options.dataDir, "server.log");
  const log = createWriteStream(logFile, { flags: "a" });
  await new Promise((resolve) => log.once("open", resolve));
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(
    join(venv, "bin", "mlflow"),
    [
      "server",
      "--host",
      "127.0.0.1",
      "--port",
      String(options.port),
      "--workers",
      "1",
      "--backend-store-uri",
      `sqlite:///${join(options.dataDir, "mlflow.db")}`,
      "--artifacts-destination",
      join(options.dataDir, "artifacts"),
      "--serve-artifacts",
    ],
    {
      detached: true,
      stdio: ["ignore", log, log],
      env: {
        ...process.env,
        ...options.env,
        MLFLOW_DISABLE_TELEMETRY: "true",
        DO_NOT_TRACK: "true",
        PYTHONUNBUFFERED: "1",
        // MLflow 3 otherwise starts seven huey job consumers (GenAI jobs), unused here.
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION: "false",
      },
    },
  );
  const pid = child.pid;
  if (pid === undefined)
    return err(failure("MlflowStartFailed", `Could not start ${join(venv, "bin", "mlflow")}.`));
  let exited: number | null | undefined;
  child.once("exit", (code) => (exited = code));
  const stop = async (graceMs = 5000): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    signalGroup(pid, "SIGTERM");
    const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
    await gone;
    clearTimeout(timer);
    log.end();
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 180_000);
  while (Date.now() < deadline) {
    if (exited !== undefined)
      return err(
        failure("MlflowStartFailed", `MLflow exited with status ${exited} while starting; see ${logFile}.`),
      );
    try {
      const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return ok({ url, pid, dataDir: options.dataDir, stop });
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop(1000);
  return err(failure("MlflowStartFailed", `MLflow did not answer ${url}/health in time; see ${logFile}.`));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous stop for `process.on("exit")` handlers. */
export function killLocalMlflowSync(pid: number): void {
  signalGroup(pid, "SIGKILL");
}
