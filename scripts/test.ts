/**
 * The one test command (`npm test`): every `*.test.ts` next to the code, run by node:test with
 * coverage. `--unit` runs only files that need no control plane (names without `.int.`).
 * Extra arguments are passed to `node --test` (for example a file path or `--test-name-pattern`).
 */
import { spawnSync } from "node:child_process";
import { globSync } from "node:fs";

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

const nodeArgs = [
  "--test",
  "--test-concurrency=2",
  "--experimental-test-coverage",
  "--test-coverage-exclude=**/*.test.ts",
  "--test-coverage-exclude=node_modules/**",
  ...flags,
  ...files,
];
const res = spawnSync(process.execPath, nodeArgs, { stdio: "inherit" });
process.exit(res.status ?? 1);
