/**
 * `npm ci` runs on the system's Node (often older than the Node 24 the project installs as a dev
 * dependency and runs everything on), so package.json's `engines` states what that install needs:
 * a clean install prints no EBADENGINE warning.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { userShellEnv } from "./testing/process-tree.ts";

const root = join(import.meta.dirname, "..");

test("npm ci on the system's Node prints no EBADENGINE warning", () => {
  // Without npm run's node_modules/.bin entries, `npm` runs on the system's node, as for a newcomer.
  const env = userShellEnv();
  const node = spawnSync("node", ["--version"], { env, encoding: "utf8" });
  assert.equal(node.status, 0, "a system node is on PATH");
  const r = spawnSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(`${r.stdout}${r.stderr}`, /EBADENGINE/, `npm ci on node ${node.stdout.trim()}`);
});
