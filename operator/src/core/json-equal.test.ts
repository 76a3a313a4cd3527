import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { jsonEqual } from "./json-equal.ts";

describe("jsonEqual", () => {
  test("ignores key order and undefined fields", () => {
    assert.equal(jsonEqual({ a: 1, b: [{ c: 2 }], d: undefined }, { b: [{ c: 2 }], a: 1 }), true);
  });
  test("sees a difference deep in an array", () => {
    assert.equal(jsonEqual({ a: [{ c: 2 }] }, { a: [{ c: 3 }] }), false);
  });
  test("null and absent differ", () => {
    assert.equal(jsonEqual({ a: null }, {}), false);
  });
});
