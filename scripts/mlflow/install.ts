/**
 * `npm run mlflow:install`: installs the pinned MLflow (common/mlflow/local-server.ts) into its
 * virtualenv under ~/.cache/sentiment-operator/ unless it is there already. Used by `.ci/run`, the
 * MLflow tests and `compose up --mlflow`.
 */
import { installMlflow, MLFLOW_VERSION, mlflowVenvDir } from "../../common/mlflow/local-server.ts";

const venv = mlflowVenvDir();
const started = performance.now();
console.error(`Installing MLflow ${MLFLOW_VERSION} into ${venv} (reused when present)...`);
const result = installMlflow({ venv });
if (!result.ok) {
  console.error(`error: ${result.error.message}`);
  process.exit(1);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.error(
  result.value.installed
    ? `Installed MLflow ${MLFLOW_VERSION} in ${seconds} s.`
    : `MLflow ${MLFLOW_VERSION} is already installed in ${venv}.`,
);
