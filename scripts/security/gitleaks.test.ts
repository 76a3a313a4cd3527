import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { gitleaksScan } from "./gitleaks.ts";

/** A git repository whose commits write `files` in turn (null deletes); removed afterwards. */
async function withHistory(
  commits: Record<string, string | null>[],
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "gitleaks-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });
  try {
    git("init", "-q");
    for (const [i, files] of commits.entries()) {
      for (const [name, text] of Object.entries(files)) {
        if (text === null) git("rm", "-q", name);
        else await writeFile(join(dir, name), text);
      }
      git("add", "-A");
      git("commit", "-q", "-m", `commit ${i}`);
    }
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("Gitleaks over the git history", () => {
  test("a key committed and deleted later is still found", async () => {
    // Made now, so that no key is ever committed to this repository.
    const key = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    await withHistory([{ id_rsa: key }, { id_rsa: null, "README.md": "no key here\n" }], async (dir) => {
      const lines: string[] = [];
      const r = await gitleaksScan(dir, (l) => lines.push(l));
      assert.equal(r.outcome, "found", lines.join("\n"));
      assert.match(r.detail, /1 leaks in 2 commits/);
      assert.ok(!lines.join("\n").includes(key.split("\n")[1]!), "the secret is redacted in the output");
    });
  });

  test("a history without secrets is clean", async () => {
    await withHistory([{ "README.md": "hello\n" }], async (dir) => {
      const r = await gitleaksScan(dir, () => undefined);
      assert.equal(r.outcome, "clean", r.detail);
    });
  });
});
