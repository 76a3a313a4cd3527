import assert from "node:assert/strict";
import { test } from "node:test";
import { waitUntil } from "./wait.ts";

test("waitUntil returns the first value that is not undefined or false", async () => {
  let calls = 0;
  const value = await waitUntil("three calls", () => (++calls === 3 ? { calls } : undefined), {
    intervalMs: 1,
  });
  assert.deepEqual(value, { calls: 3 });
});

test("waitUntil times out naming what it waited for and the last error", async () => {
  await assert.rejects(
    waitUntil("the impossible", () => Promise.reject(new Error("still broken")), {
      timeoutMs: 30,
      intervalMs: 5,
    }),
    /Timed out after 30 ms waiting for the impossible \(last: still broken\)/,
  );
});
