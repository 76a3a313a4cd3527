/**
 * `npm run lint:workflows` (CI): actionlint over `.github/workflows/` (runner labels in
 * `.github/actionlint.yaml`). actionlint also runs shellcheck on `run:` scripts when shellcheck is
 * on PATH (Debian: `apt-get install shellcheck`); the closing line says whether it did.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ACTIONLINT, resolveGoTool } from "./tools/go-tools.ts";

const REPO = join(import.meta.dirname, "..");
try {
  const actionlint = await resolveGoTool(ACTIONLINT, (l) => console.log(l));
  const shellcheck = spawnSync("shellcheck", ["--version"]).status === 0;
  const r = spawnSync(actionlint, [], { cwd: REPO, stdio: "inherit" });
  const withShellcheck = shellcheck ? "with shellcheck" : "without shellcheck (not installed)";
  if (r.status !== 0) {
    console.error(
      `actionlint ${ACTIONLINT.version} found problems in .github/workflows (${withShellcheck}).`,
    );
    process.exit(1);
  }
  console.log(`actionlint ${ACTIONLINT.version}: .github/workflows is clean (${withShellcheck}).`);
} catch (e) {
  console.error(`lint:workflows: ${(e as Error).message}`);
  process.exit(1);
}
