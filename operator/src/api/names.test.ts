import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  artifactUri,
  childName,
  isDnsLabel,
  jobName,
  labelValue,
  modelPvcName,
  parseArtifactUri,
  selectorString,
} from "./names.ts";

describe("childName", () => {
  test("short names are base-suffix", () => assert.equal(modelPvcName("reviews"), "reviews-models"));
  test("long names stay within 63 characters, stable and distinct", () => {
    const a = modelPvcName("a".repeat(60));
    const b = modelPvcName(`${"a".repeat(59)}b`);
    assert.ok(a.length <= 63 && isDnsLabel(a), a);
    assert.ok(a.endsWith("-models"));
    assert.equal(a, modelPvcName("a".repeat(60)));
    assert.notEqual(a, b);
  });
  test("the Job name leaves room for pod suffixes", () => {
    assert.equal(jobName("run-a"), "run-a");
    assert.ok(jobName("r".repeat(63)).length <= 57);
  });
  test("a cut never ends in a dash", () =>
    assert.ok(isDnsLabel(childName(`${"a".repeat(40)}-${"b".repeat(30)}`, "x"))));
});

describe("labels and selectors", () => {
  const cases: [string, string][] = [
    ["20250102-030405-1a2b3c4d", "20250102-030405-1a2b3c4d"],
    ["v1/with:odd chars", "v1-with-odd-chars"],
    ["-leading.and.trailing-", "leading.and.trailing"],
  ];
  for (const [input, want] of cases)
    test(`labelValue(${JSON.stringify(input)})`, () => assert.equal(labelValue(input), want));
  test("selectorString sorts keys", () => assert.equal(selectorString({ b: "2", a: "1" }), "a=1,b=2"));
});

describe("artifact URIs", () => {
  test("round trip", () =>
    assert.deepEqual(parseArtifactUri(artifactUri("reviews-models", "/reviews/run-a")), {
      claim: "reviews-models",
      path: "reviews/run-a",
    }));
  const bad = [
    "file:///models/x",
    "pvc://Upper/x",
    "pvc://claim/",
    "pvc://claim/../etc",
    "pvc://claim/a/../../b",
  ];
  for (const uri of bad) test(`rejects ${uri}`, () => assert.equal(parseArtifactUri(uri), undefined));
});
