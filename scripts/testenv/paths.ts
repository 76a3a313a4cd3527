import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { versionsKey } from "./versions.ts";

/** The repository root (this file lives in scripts/testenv/). */
export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");

/** The project's cache outside the clone (`$XDG_CACHE_HOME/sentiment-operator`), shared by every clone. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "sentiment-operator");
}

/** Where built binaries live, outside the clone so every clone and CI run on the machine reuses them. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "k8s", versionsKey());
}

/** Git-ignored working area for clusters started from this clone (`.testenv/` is in .gitignore). */
export const STATE_ROOT = join(REPO_ROOT, ".testenv");

/** The cluster that `npm run testenv:up` starts and `npm run testenv:down` stops. */
export const UP_DIR = join(STATE_ROOT, "up");
