/**
 * `npm run test:e2e`: the end-to-end suite (`e2e/*.e2e.test.ts`, never part of `npm test`) against
 * the cluster in SENTIMENT_TEST_KUBECONFIG, or else the running `testenv:up --real-node` cluster.
 * Extra arguments go to `node --test` (e.g. `--test-name-pattern`).
 */
import { spawnSync } from "node:child_process";
import { globSync } from "node:fs";
import { UP_DIR } from "./testenv/paths.ts";
import { readState } from "./testenv/state.ts";

const env = { ...process.env };
if (!env["SENTIMENT_TEST_KUBECONFIG"]) {
  const up = readState(UP_DIR);
  if (up.ok && up.value.realNode) env["SENTIMENT_TEST_KUBECONFIG"] = up.value.kubeconfig;
}
const files = globSync("e2e/*.e2e.test.ts").sort();
const res = spawnSync(
  process.execPath,
  ["--test", "--test-concurrency=1", "--test-reporter=spec", ...process.argv.slice(2), ...files],
  { stdio: "inherit", env },
);
process.exit(res.status ?? 1);
