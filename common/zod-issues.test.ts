import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { describeIssues, issuePath, type IssueFormat } from "./zod-issues.ts";

const Body = z.object({
  texts: z.array(z.string().min(1)),
  epochs: z.int().min(1),
  mode: z.union([z.object({ b: z.string() }), z.literal("a")]),
});
const errorOf = (schema: z.ZodType, value: unknown): z.ZodError => {
  const r = schema.safeParse(value);
  assert.equal(r.success, false);
  return r.error;
};

describe("issuePath", () => {
  const cases: [string, PropertyKey[], string][] = [
    ["empty path names the root", [], "(root)"],
    ["keys are dotted", ["spec", "epochs"], "spec.epochs"],
    ["indices are bracketed", ["texts", 2], "texts[2]"],
    ["a leading index", [0, "a"], "[0].a"],
  ];
  for (const [name, path, want] of cases) test(name, () => assert.equal(issuePath(path), want));
});

describe("describeIssues", () => {
  const cases: [string, z.ZodType, unknown, IssueFormat, RegExp][] = [
    ["one issue", z.int().min(1), 0, {}, /^\(root\): Too small: expected number to be >=1$/],
    ["the root label is configurable", z.string(), 1, { root: "body" }, /^body: Invalid input/],
    [
      "issues joined with ; in order",
      Body,
      { texts: ["ok", ""], epochs: 0, mode: "a" },
      {},
      /^texts\[1\]: Too small.*; epochs: Too small/,
    ],
    [
      "beyond max, the rest is counted",
      Body,
      { texts: [""], epochs: 0, mode: 3 },
      { max: 1 },
      /^texts\[0\]: Too small[^;]* … and 2 more$/,
    ],
    [
      "a union names its first branch's issue",
      Body.shape.mode,
      { b: 1 },
      {},
      /^b: Invalid input: expected string/,
    ],
  ];
  for (const [name, schema, value, format, want] of cases)
    test(name, () => assert.match(describeIssues(errorOf(schema, value), format), want));
});
