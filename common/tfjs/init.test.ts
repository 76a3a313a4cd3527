import assert from "node:assert/strict";
import { test } from "node:test";
import type { Logger } from "../log.ts";
import { initTfjs } from "./init.ts";

test("initTfjs picks tfjs-node when installed, else wasm, and logs the choice once", async () => {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const logger = {
    info: (message: string, fields: Record<string, unknown>) => lines.push({ message, fields }),
  } as unknown as Logger;
  const tfjsNode: string = "@tensorflow/tfjs-node";
  const nodeInstalled = await import(tfjsNode).then(
    () => true,
    () => false,
  );
  const first = await initTfjs({ logger });
  const second = await initTfjs({ logger, backend: "tfjs-cpu" });
  assert.equal(first.backend, nodeInstalled ? "tfjs-node" : "tfjs-wasm");
  assert.equal(first.tf.getBackend(), nodeInstalled ? "tensorflow" : "wasm");
  assert.equal(second, first, "later calls return the same runtime");
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.message, "Selected TF.js backend");
  assert.equal(lines[0]!.fields["backend"], first.backend);
  if (!nodeInstalled)
    assert.match(String((lines[0]!.fields["skipped"] as string[])[0]), /tfjs-node is not installed/);
});
