/**
 * Writes the CRDs in crds/ from the zod schemas in operator/src/api (`npm run gen:crds`), or with
 * `--check` fails when crds/ differs from what the schemas generate (`npm run check:crds`, CI).
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderCrdFiles } from "../operator/src/api/crd/render.ts";

const dir = join(import.meta.dirname, "..", "crds");
const check = process.argv.includes("--check");
const files = renderCrdFiles();

if (check) {
  const stale = [...files].filter(([name, text]) => {
    try {
      return readFileSync(join(dir, name), "utf8") !== text;
    } catch {
      return true;
    }
  });
  const extra = readdirSync(dir).filter((f) => f.endsWith(".yaml") && !files.has(f));
  if (stale.length > 0 || extra.length > 0) {
    const names = [...stale.map(([n]) => n), ...extra.map((n) => `${n} (not generated)`)].join(", ");
    console.error(
      `crds/ is out of date with operator/src/api: ${names}. Run npm run gen:crds and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`crds/ matches the schemas (${files.size} CRDs).`);
} else {
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  console.log(`Wrote ${[...files.keys()].map((n) => `crds/${n}`).join(", ")}.`);
}
