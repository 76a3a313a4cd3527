/**
 * node:test `--test-global-setup` module (wired in by scripts/test.ts when `*.int.test.ts` files
 * are selected). Runs once in the test runner process: starts one control plane shared by every
 * integration test file, and stops it after the last one. It never throws: if the cluster cannot
 * start, it records why, and every integration test then fails with that message (see cluster.ts).
 *
 * Env: SENTIMENT_TESTENV_DIR (set by scripts/test.ts) is where the cluster lives;
 * SENTIMENT_TEST_KUBECONFIG, if set, means "use that existing cluster": nothing is started.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { FailureError } from "../../common/result.ts";
import { onStopSignal } from "../../common/signals.ts";
import { requireBinaries } from "./binaries.ts";
import {
  removeStaleClusters,
  startControlPlane,
  stopControlPlane,
  stopControlPlaneSync,
} from "./control-plane.ts";
import { formatSeconds } from "./go-build.ts";
import { readState, SETUP_ERROR_FILE } from "./state.ts";

/** scripts/test.ts names each run's directory `.testenv/test-<its pid>`. */
export const TEST_DIR_PREFIX = "test-";

const progress = (m: string) => console.error(`[testenv] ${m}`);
/** SENTIMENT_TESTENV_KEEP=1 keeps the directory (logs, etcd data) after the run, for debugging. */
const keep = () => process.env["SENTIMENT_TESTENV_KEEP"] === "1";

export async function globalSetup(): Promise<void> {
  if (process.env["SENTIMENT_TEST_KUBECONFIG"]) {
    progress(
      `Using the existing cluster from SENTIMENT_TEST_KUBECONFIG=${process.env["SENTIMENT_TEST_KUBECONFIG"]}.`,
    );
    return;
  }
  const dir = process.env["SENTIMENT_TESTENV_DIR"];
  if (!dir) throw new Error("SENTIMENT_TESTENV_DIR is not set: run integration tests through `npm test`.");
  await removeStaleClusters(dirname(dir), TEST_DIR_PREFIX);
  const binaries = requireBinaries();
  if (!binaries.ok) return recordFailure(dir, binaries.error.reason, binaries.error.message);
  try {
    const state = await startControlPlane({
      dir,
      binaries: binaries.value,
      progress,
      ownedByThisProcess: true,
    });
    progress(`Started the test cluster in ${formatSeconds(state.startupMs)} at ${state.server}.`);
    // Ctrl-C / SIGTERM / crash of the runner: stop the components before going away. (SIGKILL
    // is covered by the watchdog from startControlPlane and by removeStaleClusters next run.)
    onStopSignal((signal) => {
      progress("Stopping the test cluster (interrupted).");
      stopControlPlaneSync(state, { keepDir: keep() });
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
    process.once("exit", () => stopControlPlaneSync(state, { keepDir: keep() }));
  } catch (e) {
    const reason = e instanceof FailureError ? String(e.reason) : "StartFailed";
    recordFailure(
      dir,
      reason,
      `The test cluster failed to start: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export async function globalTeardown(): Promise<void> {
  const dir = process.env["SENTIMENT_TESTENV_DIR"];
  if (process.env["SENTIMENT_TEST_KUBECONFIG"] || !dir) return;
  const running = readState(dir).ok;
  await stopControlPlane(dir, { keepDir: keep() });
  if (running) progress(keep() ? `Stopped the test cluster; kept ${dir}.` : "Stopped the test cluster.");
}

function recordFailure(dir: string, reason: string, message: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, SETUP_ERROR_FILE), JSON.stringify({ reason, message }) + "\n");
  progress(message);
}
