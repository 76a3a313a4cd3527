/**
 * The one test command (`npm test`): every `*.test.ts` next to the code, run by node:test with
 * coverage. `--unit` runs only files that need no control plane (names without `.int.`).
 * Extra arguments are passed to `node --test` (for example a file path or `--test-name-pattern`).
 */
import { spawnSync } from "node:child_process";
import { globSync } from "node:fs";
import { join } from "node:path";
import { MLFLOW_TEST_FILE } from "./mlflow/test-server.ts";

const args = process.argv.slice(2);
const unitOnly = args.includes("--unit");
const passThrough = args.filter((a) => a !== "--unit");
const explicitFiles = passThrough.filter((a) => a.endsWith(".ts"));
const flags = passThrough.filter((a) => !a.endsWith(".ts"));

const files =
  explicitFiles.length > 0
    ? explicitFiles
    : globSync("{common,trainer,model-server,operator,scripts,bench}/**/*.test.ts", {
        exclude: (p) => p.includes("node_modules"),
      })
        .filter((f) => !unitOnly || !f.includes(".int."))
        .sort();

if (files.length === 0) {
  console.error("No test files found.");
  process.exit(1);
}

// Integration files share one control plane, started by the global setup only when one is selected
// (scripts/testenv/global-setup.ts); SENTIMENT_TEST_KUBECONFIG points them at an existing cluster.
// Files named `*.mlflow.*test.ts` share one MLflow server, started the same way (scripts/mlflow/).
const integration = files.some((f) => f.includes(".int."));
const mlflow = files.some((f) => f.includes(MLFLOW_TEST_FILE));
const env = { ...process.env };
if (integration)
  env["SENTIMENT_TESTENV_DIR"] ??= join(import.meta.dirname, "..", ".testenv", `test-${process.pid}`);
if (mlflow)
  env["SENTIMENT_MLFLOW_TEST_DIR"] ??= join(import.meta.dirname, "..", ".testenv", `mlflow-${process.pid}`);

const nodeArgs = [
  "--test",
  ...(integration || mlflow
    ? [`--test-global-setup=${join(import.meta.dirname, "test-global-setup.ts")}`]
    : []),
  "--test-concurrency=2",
  // A test (or suite) that hangs fails after 20 minutes instead of holding CI until its limit; the
  // longest, compose mode's lifecycle suite, took 7.5 minutes on a saturated machine.
  "--test-timeout=1200000",
  "--experimental-test-coverage",
  "--test-coverage-exclude=**/*.test.ts",
  "--test-coverage-exclude=node_modules/**",
  ...flags,
  ...files,
];
const res = spawnSync(process.execPath, nodeArgs, { stdio: "inherit", env });
process.exit(res.status ?? 1);
