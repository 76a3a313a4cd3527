/**
 * node:test `--test-global-setup` module of `npm test` (scripts/test.ts): starts what the selected
 * files need, once for the run. The test control plane when `*.int.test.ts` files are selected
 * (SENTIMENT_TESTENV_DIR set, scripts/testenv/global-setup.ts); an MLflow server when
 * `*.mlflow.*test.ts` files are (SENTIMENT_MLFLOW_TEST_DIR set, scripts/mlflow/test-server.ts).
 */
import { startMlflowForTests, stopMlflowForTests } from "./mlflow/test-server.ts";
import * as testenv from "./testenv/global-setup.ts";

const cluster = () => process.env["SENTIMENT_TESTENV_DIR"] !== undefined;
const mlflowDir = () =>
  process.env["SENTIMENT_TEST_MLFLOW_URI"] ? undefined : process.env["SENTIMENT_MLFLOW_TEST_DIR"];

export async function globalSetup(): Promise<void> {
  const dir = mlflowDir();
  await Promise.all([
    cluster() ? testenv.globalSetup() : undefined,
    dir !== undefined ? startMlflowForTests(dir) : undefined,
  ]);
}

export async function globalTeardown(): Promise<void> {
  const dir = mlflowDir();
  await Promise.all([
    cluster() ? testenv.globalTeardown() : undefined,
    dir !== undefined ? stopMlflowForTests(dir) : undefined,
  ]);
}
