/**
 * The files and packages a program loads, found by following its static and literal dynamic
 * imports (TypeScript's own import scanner) and the files it loads by `new URL("./x.ts",
 * import.meta.url)` (worker threads) from its entry files: what an image must contain.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import ts from "typescript";

export interface ImportClosure {
  /** Repository-relative paths of every reached file (entries included). */
  readonly files: ReadonlySet<string>;
  /** Bare package names imported (`@scope/name` or `name`), without `node:` builtins. */
  readonly packages: ReadonlySet<string>;
  /** Relative imports that point at no file: `from → specifier`. */
  readonly unresolved: readonly string[];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export const packageName = (specifier: string): string => {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
};

export function importClosure(root: string, entries: readonly string[]): ImportClosure {
  const files = new Set<string>();
  const packages = new Set<string>();
  const unresolved: string[] = [];
  const queue = entries.map((e) => resolve(root, e));
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const rel = relative(root, file);
    if (files.has(rel)) continue;
    files.add(rel);
    if (!/\.(ts|js|mjs)$/.test(file)) continue; // e.g. package.json: loaded, not scanned
    const text = readFileSync(file, "utf8");
    const info = ts.preProcessFile(text, true, true);
    // Worker threads and other files loaded by URL: `new URL("./worker.ts", import.meta.url)`.
    const byUrl = [...text.matchAll(/new URL\(\s*["'](\.{1,2}\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)];
    const specs = [...info.importedFiles.map((f) => f.fileName), ...byUrl.map((m) => m[1]!)];
    for (const spec of specs) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (existsSync(target)) queue.push(target);
        else unresolved.push(`${rel} → ${spec}`);
      } else if (!spec.startsWith("node:")) {
        packages.add(packageName(spec));
      }
    }
  }
  return { files, packages, unresolved };
}
