import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { summaryMessage } from "../../testing/resources.ts";
import { parseTerminationMessage } from "./termination-message.ts";

const at = { claimName: "reviews-models", mountPath: "/models" };

describe("parseTerminationMessage", () => {
  test("a valid summary gives metrics and a pvc:// artifact", () => {
    const got = parseTerminationMessage(summaryMessage({ accuracy: 0.93 }), at);
    assert.ok(got.ok);
    assert.equal(got.value.metrics.accuracy, 0.93);
    assert.deepEqual(got.value.artifact, {
      uri: "pvc://reviews-models/reviews/run-a",
      version: "20250102-030405-1a2b3c4d",
      sha256: "a".repeat(64),
    });
  });

  const uris: [string, string | undefined][] = [
    ["file:///models/reviews/run-a", "pvc://reviews-models/reviews/run-a"],
    ["/models/reviews/run-a/", "pvc://reviews-models/reviews/run-a"],
    ["pvc://other/x/y", "pvc://other/x/y"],
    ["/tmp/model", undefined],
    ["/models", undefined],
    ["/models/../etc", undefined],
  ];
  for (const [uri, want] of uris) {
    test(`artifact uri ${uri}`, () => {
      const got = parseTerminationMessage(summaryMessage({ uri }), at);
      if (want === undefined) assert.equal(!got.ok && got.error.reason, "ArtifactMissing");
      else assert.equal(got.ok && got.value.artifact.uri, want);
    });
  }

  const bad: { name: string; message: string | undefined; reason: string }[] = [
    { name: "no message", message: undefined, reason: "MetricsMissing" },
    { name: "blank message", message: "  \n", reason: "MetricsMissing" },
    {
      name: "log lines (FallbackToLogsOnError)",
      message: "Error: ENOSPC\n  at write",
      reason: "MetricsInvalid",
    },
    { name: "JSON of the wrong shape", message: JSON.stringify({ accuracy: 0.9 }), reason: "MetricsInvalid" },
    {
      name: "accuracy out of range",
      message: summaryMessage().replace('"accuracy":0.92', '"accuracy":1.5'),
      reason: "MetricsInvalid",
    },
    { name: "over 4 KiB", message: "x".repeat(5000), reason: "MetricsInvalid" },
    {
      name: "no artifact",
      message: JSON.stringify({ ...JSON.parse(summaryMessage()), artifact: undefined }),
      reason: "ArtifactMissing",
    },
    {
      name: "artifact without sha256",
      message: JSON.stringify({
        ...JSON.parse(summaryMessage()),
        artifact: { uri: "/models/a", version: "v" },
      }),
      reason: "ArtifactMissing",
    },
  ];
  for (const c of bad) {
    test(c.name, () => {
      const got = parseTerminationMessage(c.message, at);
      assert.equal(got.ok, false);
      assert.equal(!got.ok && got.error.reason, c.reason);
      assert.ok(!got.ok && got.error.message.length > 10);
    });
  }
});
