import assert from "node:assert/strict";
import { test } from "node:test";
import { BATCH_LIMITS, chunkBatch, type KeyValue, type MetricPoint } from "./batch.ts";

const kv = (n: number, prefix: string): KeyValue[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));
const points = (n: number): MetricPoint[] =>
  Array.from({ length: n }, (_, i) => ({ key: "loss", value: i, timestamp: 1, step: i }));
const sizes = (b: ReturnType<typeof chunkBatch>) =>
  b.map((c) => [c.params.length, c.tags.length, c.metrics.length]);

test("chunkBatch stays within MLflow's per-request limits and keeps every entry in order", () => {
  const cases: { name: string; params: number; tags: number; metrics: number; want: number[][] }[] = [
    { name: "empty batch: no request", params: 0, tags: 0, metrics: 0, want: [] },
    { name: "small batch: one request", params: 3, tags: 2, metrics: 10, want: [[3, 2, 10]] },
    {
      name: "101 params: two requests",
      params: 101,
      tags: 0,
      metrics: 0,
      want: [
        [100, 0, 0],
        [1, 0, 0],
      ],
    },
    {
      name: "250 tags",
      params: 0,
      tags: 250,
      metrics: 0,
      want: [
        [0, 100, 0],
        [0, 100, 0],
        [0, 50, 0],
      ],
    },
    {
      name: "2001 metrics",
      params: 0,
      tags: 0,
      metrics: 2001,
      want: [
        [0, 0, 1000],
        [0, 0, 1000],
        [0, 0, 1],
      ],
    },
    {
      name: "entities cap: params and tags leave room for 800 metrics",
      params: 100,
      tags: 100,
      metrics: 1000,
      want: [
        [100, 100, 800],
        [0, 0, 200],
      ],
    },
  ];
  for (const c of cases) {
    const params = kv(c.params, "p");
    const tags = kv(c.tags, "t");
    const metrics = points(c.metrics);
    const chunks = chunkBatch({ params, tags, metrics });
    assert.deepEqual(sizes(chunks), c.want, c.name);
    for (const chunk of chunks) {
      assert.ok(chunk.params.length <= BATCH_LIMITS.params, c.name);
      assert.ok(chunk.params.length + chunk.tags.length + chunk.metrics.length <= BATCH_LIMITS.entities);
    }
    assert.deepEqual(
      chunks.flatMap((ch) => ch.params),
      params,
      c.name,
    );
    assert.deepEqual(
      chunks.flatMap((ch) => ch.tags),
      tags,
      c.name,
    );
    assert.deepEqual(
      chunks.flatMap((ch) => ch.metrics),
      metrics,
      c.name,
    );
  }
});
