#!/usr/bin/env node
/* global process, console */
// The `sentiment-train` command. The TypeScript sources run natively on Node >= 24 (type stripping);
// `npx sentiment-train` puts the project's Node 24 first on PATH.
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  console.error(
    `error: sentiment-train needs Node >= 24 (this is ${process.version}): run it with "npx sentiment-train".`,
  );
  process.exit(2);
}
const { run } = await import("../src/main.ts");
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
