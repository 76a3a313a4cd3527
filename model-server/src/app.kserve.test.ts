import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { get, post, startServer, type TestServer } from "./testing/http.ts";
import { NEGATIVE_REVIEW, POSITIVE_REVIEW, trainedModel } from "./testing/trained-model.ts";

describe("KServe V1 and Open Inference Protocol (V2) over HTTP", () => {
  let s: TestServer;
  let name: string;
  let version: string;
  let architecture: string;
  before(async () => {
    const fixture = await trainedModel();
    s = await startServer({ modelDir: fixture.dir });
    const m = s.holder.current()!.metadata;
    ({ name, version, architecture } = m);
  });
  after(() => s.close());

  describe("V1", () => {
    test("GET /v1/models lists the served model and GET /v1/models/<name> reports it ready", async () => {
      assert.deepEqual((await get(`${s.url}/v1/models`)).json, { models: [name] });
      const r = await get(`${s.url}/v1/models/${name}`);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { name, ready: true });
    });

    test(":predict takes instances as strings or {text} objects and returns the /predict objects", async () => {
      const r = await post(`${s.url}/v1/models/${name}:predict`, {
        instances: [POSITIVE_REVIEW, { text: NEGATIVE_REVIEW }],
      });
      assert.equal(r.status, 200);
      assert.equal(r.json.predictions.length, 2);
      const rest = await post(`${s.url}/predict`, { texts: [POSITIVE_REVIEW, NEGATIVE_REVIEW] });
      assert.deepEqual(r.json.predictions, rest.json.predictions);
      assert.deepEqual(
        (r.json.predictions as { sentiment: string }[]).map((p) => p.sentiment),
        ["positive", "negative"],
      );
    });

    test("another model name is 404 ModelNotFound, and the server still serves", async () => {
      for (const r of [
        await get(`${s.url}/v1/models/other-model`),
        await post(`${s.url}/v1/models/other-model:predict`, { instances: ["x"] }),
      ]) {
        assert.equal(r.status, 404);
        assert.equal(r.json.error.code, "ModelNotFound");
      }
      assert.equal((await post(`${s.url}/v1/models/${name}:predict`, { instances: ["fine"] })).status, 200);
    });

    test("bad instances are 400 and too many are 413", async () => {
      for (const body of [
        {},
        { instances: [] },
        { instances: [""] },
        { instances: [3] },
        { instances: "x" },
      ]) {
        const r = await post(`${s.url}/v1/models/${name}:predict`, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.code, "InvalidRequest");
      }
      const big = await post(`${s.url}/v1/models/${name}:predict`, { instances: Array(257).fill("x") });
      assert.equal(big.status, 413);
      assert.equal(big.json.error.code, "BatchTooLarge");
    });
  });

  describe("V2", () => {
    test("health, server metadata, model metadata and model readiness", async () => {
      assert.deepEqual((await get(`${s.url}/v2/health/live`)).json, { live: true });
      assert.deepEqual((await get(`${s.url}/v2/health/ready`)).json, { ready: true });
      const server = await get(`${s.url}/v2`);
      assert.equal(server.json.name, "sentiment-serve");
      const meta = await get(`${s.url}/v2/models/${name}`);
      assert.equal(meta.status, 200);
      assert.deepEqual(meta.json, {
        name,
        versions: [version],
        platform: `sentiment-operator/${architecture}`,
        inputs: [{ name: "text", datatype: "BYTES", shape: [-1] }],
        outputs: [
          { name: "sentiment", datatype: "BYTES", shape: [-1] },
          { name: "probability", datatype: "FP64", shape: [-1] },
          { name: "confidence", datatype: "FP64", shape: [-1] },
        ],
      });
      assert.deepEqual((await get(`${s.url}/v2/models/${name}/versions/${version}`)).json, meta.json);
      assert.deepEqual((await get(`${s.url}/v2/models/${name}/ready`)).json, { name, ready: true });
      assert.equal((await get(`${s.url}/v2/models/${name}/versions/${version}/ready`)).status, 200);
      assert.equal((await get(`${s.url}/v2/models/${name}/versions/not-${version}`)).status, 404);
      assert.equal((await get(`${s.url}/v2/models/other/ready`)).status, 404);
    });

    test("infer with a BYTES tensor returns sentiment, probability and confidence tensors", async () => {
      const r = await post(`${s.url}/v2/models/${name}/infer`, {
        id: "req-1",
        inputs: [{ name: "text", shape: [2], datatype: "BYTES", data: [POSITIVE_REVIEW, NEGATIVE_REVIEW] }],
      });
      assert.equal(r.status, 200, r.text);
      const rest = await post(`${s.url}/predict`, { texts: [POSITIVE_REVIEW, NEGATIVE_REVIEW] });
      const p = rest.json.predictions as { sentiment: string; probability: number; confidence: number }[];
      assert.deepEqual(r.json, {
        model_name: name,
        model_version: version,
        id: "req-1",
        outputs: [
          { name: "sentiment", shape: [2], datatype: "BYTES", data: p.map((x) => x.sentiment) },
          { name: "probability", shape: [2], datatype: "FP64", data: p.map((x) => x.probability) },
          { name: "confidence", shape: [2], datatype: "FP64", data: p.map((x) => x.confidence) },
        ],
      });
    });

    test("infer accepts a [n, 1] shape with nested data, a version path, and a chosen output", async () => {
      const r = await post(`${s.url}/v2/models/${name}/versions/${version}/infer`, {
        inputs: [
          { name: "text", shape: [2, 1], datatype: "BYTES", data: [[POSITIVE_REVIEW], [NEGATIVE_REVIEW]] },
        ],
        outputs: [{ name: "probability" }],
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.outputs.length, 1);
      assert.equal(r.json.outputs[0].name, "probability");
      assert.ok(r.json.outputs[0].data[0] > 0.5 && r.json.outputs[0].data[1] < 0.5);
      assert.equal(r.json.id, undefined);
    });

    test("bad tensors are 400 with a message naming the problem, and too many texts are 413", async () => {
      const input = (over: Record<string, unknown>) => ({
        inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: ["ok"], ...over }],
      });
      const cases: [string, unknown, RegExp][] = [
        ["no inputs", { inputs: [] }, /exactly one BYTES tensor/],
        ["a numeric tensor", input({ datatype: "FP32", data: [1] }), /BYTES/],
        ["a shape that disagrees with the data", input({ shape: [3] }), /shape/],
        ["an empty string", input({ data: [""] }), /data\[0\]/],
        ["a number in BYTES", input({ data: [7] }), /data\[0\]/],
        ["an unknown output", { ...input({}), outputs: [{ name: "logits" }] }, /logits/],
      ];
      for (const [what, body, message] of cases) {
        const r = await post(`${s.url}/v2/models/${name}/infer`, body);
        assert.equal(r.status, 400, `${what}: ${r.text}`);
        assert.equal(r.json.error.code, "InvalidRequest");
        assert.match(String(r.json.error.message), message, what);
      }
      const big = await post(
        `${s.url}/v2/models/${name}/infer`,
        input({ shape: [300], data: Array(300).fill("x") }),
      );
      assert.equal(big.status, 413);
      assert.equal(big.json.error.code, "BatchTooLarge");
      const ok = await post(`${s.url}/v2/models/${name}/infer`, input({}));
      assert.equal(ok.status, 200);
    });
  });
});
