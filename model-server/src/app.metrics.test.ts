import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { get, metricValue, post, startServer, type TestServer } from "./testing/http.ts";
import { NEGATIVE_REVIEW, POSITIVE_REVIEW, trainedModel } from "./testing/trained-model.ts";

describe("GET /metrics counts what was served", () => {
  let s: TestServer;
  let labels: { model: string; version: string };
  before(async () => {
    s = await startServer({ modelDir: (await trainedModel()).dir, config: { maxBatchSize: 8 } });
    const m = s.holder.current()!.metadata;
    labels = { model: m.name, version: m.version };
  });
  after(() => s.close());

  const scrape = async (): Promise<string> => {
    const r = await get(`${s.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    return r.text;
  };
  const value = (text: string, name: string, l: Record<string, string> = labels): number =>
    metricValue(text, name, l) ?? 0;

  test("model_info is 1 with model, version, architecture and accuracy labels", async () => {
    const text = await scrape();
    const m = s.holder.current()!.metadata;
    const acc = (m.metrics.test?.accuracy ?? m.metrics.validation?.accuracy)!.toFixed(4);
    assert.equal(
      metricValue(text, "model_info", { ...labels, architecture: m.architecture, accuracy: acc }),
      1,
    );
    assert.match(text, /^# TYPE model_prediction_duration_seconds histogram$/m);
    assert.match(text, /^model_prediction_duration_seconds_bucket\{le="0\.0001",model=/m);
    assert.match(text, /^model_prediction_duration_seconds_bucket\{le="1",model=/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  });

  test("predictions, positives, negatives and durations add up across single, batch, V1 and V2", async () => {
    const before = await scrape();
    await post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
    await post(`${s.url}/predict`, { text: NEGATIVE_REVIEW });
    await post(`${s.url}/predict`, { texts: [POSITIVE_REVIEW, POSITIVE_REVIEW, NEGATIVE_REVIEW] });
    await post(`${s.url}/v1/models/${labels.model}:predict`, { instances: [NEGATIVE_REVIEW] });
    await post(`${s.url}/v2/models/${labels.model}/infer`, {
      inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: [POSITIVE_REVIEW] }],
    });
    const after = await scrape();
    const delta = (name: string) => value(after, name) - value(before, name);
    assert.equal(delta("model_predictions_total"), 7);
    assert.equal(delta("model_positive_predictions_total"), 4);
    assert.equal(delta("model_negative_predictions_total"), 3);
    // One observation per predictor call: 5 requests.
    assert.equal(delta("model_prediction_duration_seconds_count"), 5);
    assert.ok(delta("model_prediction_duration_seconds_sum") > 0);
  });

  test("refused predict requests count in model_prediction_errors_total by reason; other routes do not", async () => {
    const before = await scrape();
    await post(`${s.url}/predict`, "{bad");
    await post(`${s.url}/predict`, "{bad");
    await post(`${s.url}/predict`, { text: "" });
    await post(`${s.url}/predict`, { texts: Array(9).fill("x") });
    await post(`${s.url}/predict`, "x", { "content-type": "text/plain" });
    await get(`${s.url}/nowhere`);
    const after = await scrape();
    const delta = (reason: string) =>
      value(after, "model_prediction_errors_total", { reason }) -
      value(before, "model_prediction_errors_total", { reason });
    assert.equal(delta("MalformedJson"), 2);
    assert.equal(delta("InvalidRequest"), 1);
    assert.equal(delta("BatchTooLarge"), 1);
    assert.equal(delta("UnsupportedMediaType"), 1);
    assert.equal(delta("NotFound"), 0);
    assert.equal(value(after, "model_predictions_total") - value(before, "model_predictions_total"), 0);
  });

  test("HTTP requests are counted and timed by method, route template and status", async () => {
    const before = await scrape();
    await get(`${s.url}/health`);
    await get(`${s.url}/health`);
    await get(`${s.url}/v2/models/${labels.model}/ready`);
    await post(`${s.url}/predict`, "{bad");
    await get(`${s.url}/no/such/route`);
    const after = await scrape();
    const delta = (name: string, l: Record<string, string>) => value(after, name, l) - value(before, name, l);
    assert.equal(
      delta("http_request_duration_seconds_count", { method: "GET", route: "/health", status: "200" }),
      2,
    );
    assert.equal(
      delta("http_request_duration_seconds_count", {
        method: "GET",
        route: "/v2/models/{name}[/versions/{version}]/ready",
        status: "200",
      }),
      1,
    );
    assert.equal(
      delta("http_request_duration_seconds_count", { method: "POST", route: "/predict", status: "400" }),
      1,
    );
    assert.equal(
      delta("http_request_duration_seconds_count", { method: "GET", route: "unmatched", status: "404" }),
      1,
    );
    assert.equal(
      delta("http_request_duration_seconds_count", { method: "GET", route: "/health", status: "200" }),
      2,
    );
    assert.doesNotMatch(after, /route="\/no\/such\/route"/, "raw paths must not become label values");
    assert.doesNotMatch(after, /^http_requests_total/m, "the histogram's _count is the request count");
  });

  test("GET /openapi.json is an OpenAPI 3 document of every route with resolvable schema references", async () => {
    const r = await get(`${s.url}/openapi.json`);
    assert.equal(r.status, 200);
    const doc = r.json;
    assert.match(String(doc.openapi), /^3\./);
    const expected: [string, string][] = [
      ["/predict", "post"],
      ["/health", "get"],
      ["/ready", "get"],
      ["/metrics", "get"],
      ["/v1/models/{name}", "get"],
      ["/v1/models/{name}:predict", "post"],
      ["/v2/health/live", "get"],
      ["/v2/health/ready", "get"],
      ["/v2/models/{name}", "get"],
      ["/v2/models/{name}/versions/{version}", "get"],
      ["/v2/models/{name}/ready", "get"],
      ["/v2/models/{name}/infer", "post"],
      ["/v2/models/{name}/versions/{version}/infer", "post"],
    ];
    for (const [path, method] of expected) {
      assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is missing`);
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    assert.ok(refs.length > 10);
    for (const id of refs) assert.ok(doc.components.schemas[id], `unresolved $ref ${id}`);
    const prediction = doc.components.schemas.Prediction;
    assert.deepEqual(prediction.properties.sentiment.enum, ["positive", "negative"]);
    assert.deepEqual(doc.paths["/predict"].post.responses["413"].content["application/json"].schema, {
      $ref: "#/components/schemas/Error",
    });
  });
});
