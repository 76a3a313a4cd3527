/**
 * `npm run testenv:build`: resolves the control-plane binaries, building the missing ones with Go
 * into the cache outside the clone (see binaries.ts for the lookup order). Cold, the Kubernetes
 * binaries take minutes; afterwards this returns at once. `--only etcd,kwok` limits what is built.
 * Prints `export KUBEBUILDER_ASSETS=...` on stdout.
 */
import { parseArgs } from "node:util";
import { binDir, ensureBinaries } from "./binaries.ts";
import { formatSeconds } from "./go-build.ts";
import { BINARIES, type BinaryName } from "./versions.ts";

const { values } = parseArgs({ options: { only: { type: "string" } } });
const only = values.only?.split(",").map((s) => s.trim()) ?? [...BINARIES];
const unknown = only.filter((n) => !(BINARIES as readonly string[]).includes(n));
if (unknown.length > 0) {
  console.error(`[testenv] Unknown binary ${unknown.join(", ")}: choose from ${BINARIES.join(", ")}.`);
  process.exit(2);
}

const started = Date.now();
const progress = (m: string) => console.error(`[testenv] ${m}`);
const result = await ensureBinaries(progress, process.env, only as BinaryName[]);
if (!result.ok) {
  progress(result.error.message);
  process.exit(1);
}
for (const [name, bin] of Object.entries(result.value))
  progress(`Resolved ${name} from ${bin.source}: ${bin.path}`);
progress(`Finished in ${formatSeconds(Date.now() - started)}.`);
console.log(`export KUBEBUILDER_ASSETS=${binDir()}`);
