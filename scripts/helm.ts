/**
 * `npm run helm -- <args>`: the Helm of the test environment (pinned in scripts/testenv/versions.ts,
 * built from the Go module proxy into the versioned cache; built here on first use), run in the
 * directory npm was called from. Its exit status is Helm's; SIGINT and SIGTERM are passed on.
 */
import { spawn } from "node:child_process";
import { onStopSignal } from "../common/signals.ts";
import { ensureBinaries } from "./testenv/binaries.ts";

const progress = (m: string) => console.error(`[helm] ${m}`);
const resolved = await ensureBinaries(progress, process.env, ["helm"]);
if (!resolved.ok) {
  progress(resolved.error.message);
  process.exit(1);
}
const helm = spawn(resolved.value.helm!.path, process.argv.slice(2), {
  stdio: "inherit",
  cwd: process.env["INIT_CWD"] ?? process.cwd(),
});
const forward = (signal: NodeJS.Signals) => helm.kill(signal);
const stopForwarding = onStopSignal(forward, forward);
helm.on("exit", (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  stopForwarding();
  process.kill(process.pid, signal);
});
