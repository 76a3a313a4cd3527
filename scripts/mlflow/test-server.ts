/**
 * One MLflow server shared by every `*.mlflow.*test.ts` file of a test run: started by the global
 * setup (scripts/test-global-setup.ts) when such a file is selected, stopped at the end. Test
 * files call `mlflowForTests()`; if MLflow is missing or failed to start, it throws the reason
 * (with how to install it), so the tests FAIL rather than skip.
 *
 * Env: SENTIMENT_MLFLOW_TEST_DIR (set by scripts/test.ts) holds the server's data, log and state;
 * SENTIMENT_TEST_MLFLOW_URI, if set, means "use that server": nothing is started.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killLocalMlflowSync, startLocalMlflow, type LocalMlflow } from "../../common/mlflow/local-server.ts";
import { freePorts } from "../testenv/ports.ts";

const STATE = "state.json";
const ERROR = "setup-error.json";
export const MLFLOW_TEST_FILE = ".mlflow.";

const progress = (m: string) => console.error(`[mlflow] ${m}`);
let running: LocalMlflow | undefined;

export async function startMlflowForTests(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  const [port] = await freePorts(1);
  const server = await startLocalMlflow({ dataDir: dir, port: port! });
  if (!server.ok) {
    writeFileSync(join(dir, ERROR), JSON.stringify(server.error));
    progress(server.error.message);
    return;
  }
  running = server.value;
  const pid = server.value.pid;
  process.once("exit", () => killLocalMlflowSync(pid));
  writeFileSync(join(dir, STATE), JSON.stringify({ url: server.value.url, pid }));
  progress(
    `Started MLflow in ${((performance.now() - started) / 1000).toFixed(1)} s at ${server.value.url}.`,
  );
}

export async function stopMlflowForTests(dir: string): Promise<void> {
  if (running === undefined) return;
  await running.stop();
  running = undefined;
  if (process.env["SENTIMENT_TESTENV_KEEP"] !== "1") rmSync(dir, { recursive: true, force: true });
  progress("Stopped MLflow.");
}

/** The shared server's URL, for test files. Throws (never skips) when there is none. */
export function mlflowForTests(env: NodeJS.ProcessEnv = process.env): { url: string } {
  const external = env["SENTIMENT_TEST_MLFLOW_URI"];
  if (external) return { url: external };
  const dir = env["SENTIMENT_MLFLOW_TEST_DIR"];
  if (!dir)
    throw new Error(
      `SENTIMENT_MLFLOW_TEST_DIR is not set: run MLflow tests through \`npm test\` (files named *${MLFLOW_TEST_FILE}test.ts).`,
    );
  if (existsSync(join(dir, ERROR)))
    throw new Error((JSON.parse(readFileSync(join(dir, ERROR), "utf8")) as { message: string }).message);
  if (!existsSync(join(dir, STATE)))
    throw new Error(`The MLflow test server did not start (no ${join(dir, STATE)}).`);
  return JSON.parse(readFileSync(join(dir, STATE), "utf8")) as { url: string };
}
