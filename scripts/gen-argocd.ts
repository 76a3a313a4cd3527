/**
 * Writes `config/argocd/argocd-cm.yaml` from the health checks' .lua files (`npm run gen:argocd`),
 * or with `--check` fails when it differs from them (`npm run check:argocd`, CI). The chart's copy
 * follows with `npm run gen:chart`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARGOCD_CM_PATH, renderArgocdCm } from "./argocd/argocd-cm.ts";
import { healthChecks, REPO } from "./argocd/health.ts";

function main(): number {
  const want = renderArgocdCm(healthChecks());
  const path = join(REPO, ARGOCD_CM_PATH);
  let have: string | undefined;
  try {
    have = readFileSync(path, "utf8");
  } catch {
    // missing
  }
  if (process.argv.includes("--check")) {
    if (have !== want) {
      console.error(
        `${ARGOCD_CM_PATH} is out of date with config/argocd/health/*/*/health.lua. Run \`npm run gen:argocd && npm run gen:chart\` and commit the result.`,
      );
      return 1;
    }
    console.log(`${ARGOCD_CM_PATH} matches the health checks.`);
    return 0;
  }
  if (have === want) {
    console.log(`${ARGOCD_CM_PATH}: already up to date.`);
    return 0;
  }
  writeFileSync(path, want);
  console.log(`${ARGOCD_CM_PATH}: written. Run \`npm run gen:chart\` for the chart's copy.`);
  return 0;
}

if (import.meta.main) process.exitCode = main();
