import { join } from "node:path";
import type { Logger } from "../../../common/log.ts";
import { MLFLOW_ENV } from "../../../common/mlflow/env.ts";
import { startLocalMlflow } from "../../../common/mlflow/local-server.ts";
import type { ProcessTable } from "./processes.ts";
import { portOr } from "./prometheus.ts";

export interface MlflowHandle {
  /** Where TrainingRuns without `spec.tracking.mlflow` are tracked; undefined: nowhere. */
  readonly trackingUri: string | undefined;
  /** Set when `up` started the server: its UI. */
  readonly uiUrl?: string;
  /** Why `--mlflow` runs without a server (one line for the user). */
  readonly hint?: string;
  stop(): Promise<void>;
}

const none = (trackingUri: string | undefined, hint?: string): MlflowHandle => ({
  trackingUri,
  ...(hint === undefined ? {} : { hint }),
  stop: () => Promise.resolve(),
});

/**
 * The default MLflow of compose mode. With `start` (`compose up --mlflow`): a local server from
 * the managed virtualenv (`npm run mlflow:install`), data in `<state>/mlflow`, port 5000 or a free
 * one, recorded in the process table so nothing outlives `up`. Otherwise, or when MLflow is not
 * installed: MLFLOW_TRACKING_URI, if set. A run's own `spec.tracking.mlflow` always wins.
 */
export async function composeMlflow(opts: {
  readonly start: boolean;
  readonly stateDir: string;
  readonly processes: ProcessTable;
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}): Promise<MlflowHandle> {
  const fromEnv = (opts.env ?? process.env)[MLFLOW_ENV.trackingUri] || undefined;
  if (!opts.start) return none(fromEnv);
  const server = await startLocalMlflow({
    dataDir: join(opts.stateDir, "mlflow"),
    port: await portOr(5000),
    env: opts.processes.markerEnv,
  });
  if (!server.ok) return none(fromEnv, `${server.error.message} Going on without it.`);
  const { url, pid } = server.value;
  opts.processes.adopt("mlflow", pid, ["mlflow", "server", url]);
  opts.logger?.info("Started MLflow", { url, pid });
  return { trackingUri: url, uiUrl: url, stop: () => server.value.stop() };
}
