/**
 * `npm run check:compose`: compose.yaml through a real compose implementation's `config`
 * (podman-compose from PyPI, installed once into a venv in the cache), which resolves and
 * validates the whole file. Prints the error and exits 1 when it refuses the file.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

const VERSION = "1.6.0";
const root = resolve(import.meta.dirname, "..");
const venv = join(
  process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache"),
  "sentiment-operator",
  `podman-compose-${VERSION}`,
);
const bin = join(venv, "bin", "podman-compose");
const run = (cmd: string, args: string[]): number =>
  spawnSync(cmd, args, { stdio: "inherit", cwd: root }).status ?? 1;

if (!existsSync(bin)) {
  console.error(`Installing podman-compose ${VERSION} into ${venv} (once)...`);
  if (
    run("python3", ["-m", "venv", venv]) !== 0 ||
    run(join(venv, "bin", "pip"), ["install", "-q", `podman-compose==${VERSION}`]) !== 0
  ) {
    console.error("error: could not install podman-compose: needs python3 with venv and PyPI.");
    process.exit(1);
  }
}
const r = spawnSync(bin, ["-f", "compose.yaml", "config"], { cwd: root, encoding: "utf8" });
if (r.status !== 0) {
  console.error(`error: podman-compose refused compose.yaml:\n${r.stderr || r.stdout}`);
  process.exit(1);
}
console.log(
  `compose.yaml is valid (podman-compose ${VERSION} config): ${(r.stdout.match(/^ {2}[a-z-]+:$/gm) ?? []).length} services.`,
);
