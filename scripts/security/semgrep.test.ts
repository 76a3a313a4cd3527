import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, test } from "node:test";
import { RULES_DIR, semgrepRuleTests } from "./semgrep.ts";

describe("Semgrep rules (scripts/security/semgrep)", () => {
  test("cover the bugs this code base could have", () => {
    const rules = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort();
    assert.deepEqual(rules, [
      "no-dynamic-code",
      "secret-in-log",
      "tls-verification-disabled",
      "untrusted-input-to-fs-or-process",
    ]);
    for (const rule of rules)
      assert.ok(readdirSync(RULES_DIR).includes(`${rule}.ts`), `${rule}.ts tests ${rule}`);
  });

  test("each rule flags its ruleid lines and none of its ok lines (semgrep --test)", async () => {
    const r = await semgrepRuleTests(RULES_DIR, (l) => console.error(l));
    assert.ok(r.ok, r.output);
  });
});
