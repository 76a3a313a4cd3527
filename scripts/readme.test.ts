/**
 * The README as a newcomer reads it: every relative link leads to a file, and every Helm command
 * runs as written (through `npm run helm --`, the release named `sentiment-operator`), checked by
 * rendering it with `helm template` (the same arguments and values schema, no cluster needed).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { BUILD_HINT } from "./testenv/binaries.ts";
import { testenvHelm } from "./testenv/tools.ts";

const root = join(import.meta.dirname, "..");
const READMES = ["README.md", "scripts/testenv/README.md", "charts/sentiment-operator/README.md"];

describe("README", () => {
  for (const file of READMES)
    test(`${file}: every relative link leads to a file`, () => {
      const text = readFileSync(join(root, file), "utf8");
      const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((l) => !/^[a-z]+:/.test(l));
      assert.ok(links.length > 0);
      const broken = links.filter((l) => !existsSync(join(root, dirname(file), l)));
      assert.deepEqual(broken, [], `${file} links to files that do not exist`);
    });

  test("the testenv and chart READMEs are linked from the README", () => {
    const text = readFileSync(join(root, "README.md"), "utf8");
    assert.match(text, /\]\(scripts\/testenv\/README\.md[#)]/);
    assert.match(text, /\]\(charts\/sentiment-operator\/README\.md\)/);
  });

  test("every helm command runs through npm run helm -- and installs the release sentiment-operator", () => {
    assert.ok(testenvHelm(), `the test environment's Helm is missing: ${BUILD_HINT}`);
    const text = readFileSync(join(root, "README.md"), "utf8").replaceAll("\\\n", " ");
    const commands = [...text.matchAll(/(?:^|`)((?:npm run helm --|helm) install[^`\n]*)/gm)].map((m) =>
      m[1]!.replace(/\s+/g, " ").trim(),
    );
    assert.ok(commands.length >= 2, `helm commands found: ${commands.join(" | ")}`);
    for (const command of commands) {
      assert.match(command, /^npm run helm -- install sentiment-operator charts\/sentiment-operator( |$)/);
      const args = command.replace(/^npm run helm -- install /, "").split(" ");
      const r = spawnSync("npm", ["run", "-s", "helm", "--", "template", ...args], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(r.status, 0, `${command}: ${r.stderr}`);
      assert.match(r.stdout, /kind: Deployment\nmetadata:\n {2}name: sentiment-operator\n/, command);
    }
  });
});
