import { test } from "node:test";
import assert from "node:assert/strict";
import { err, failure, ok } from "./result.ts";

test("ok and err build discriminated results", () => {
  const a = ok(3);
  const b = err(failure("Bad", "it broke"));
  assert.equal(a.ok && a.value, 3);
  assert.equal(!b.ok && b.error.reason, "Bad");
});
