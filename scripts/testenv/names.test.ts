import assert from "node:assert/strict";
import { test } from "node:test";
import { randomSuffix, testNamespaceName } from "./names.ts";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

test("testNamespaceName slugs the test name into a DNS label", () => {
  assert.equal(testNamespaceName("a Job's pod succeeds", "abc123"), "t-a-job-s-pod-succeeds-abc123");
});

test("testNamespaceName stays a valid DNS label for long and odd names", () => {
  for (const name of [
    "x".repeat(200),
    "--Weird__Name--",
    "ünïcödé only",
    "",
    "ends with dash -" + "y".repeat(48),
  ]) {
    const ns = testNamespaceName(name, "zz9zz9");
    assert.ok(ns.length <= 63, ns);
    assert.match(ns, DNS_LABEL);
    assert.ok(ns.endsWith("-zz9zz9"));
  }
});

test("randomSuffix gives six lower-case alphanumerics", () => {
  assert.match(randomSuffix(), /^[a-z0-9]{6}$/);
  assert.equal(
    randomSuffix(() => 0),
    "aaaaaa",
  );
});
