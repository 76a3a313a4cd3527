import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { loadModel } from "../../common/artifact/loader.ts";
import type { LoadedModel } from "./model-holder.ts";
import { connect } from "node:net";
import { encodeRequests } from "../../bench/load/closed-loop.ts";
import { heldRequest, post, startServer, type TestServer } from "./testing/http.ts";
import { POSITIVE_REVIEW, NEGATIVE_REVIEW, trainedModel } from "./testing/trained-model.ts";

describe("POST /predict over HTTP with a real trained model", () => {
  let s: TestServer;
  let reference: LoadedModel;
  let samples: readonly string[];
  before(async () => {
    const fixture = await trainedModel();
    samples = fixture.samples;
    s = await startServer({ modelDir: fixture.dir });
    const loaded = await loadModel(fixture.dir);
    assert.ok(loaded.ok);
    reference = loaded.value;
  });
  after(async () => {
    await s.close();
    reference.predictor.dispose();
  });

  test("a body that came with the headers and one sent in pieces are read the same", async () => {
    const body = { text: samples[1] };
    const url = new URL(`${s.url}/predict`);
    const [whole] = encodeRequests(url, [Buffer.from(JSON.stringify(body))]);
    const socket = connect(Number(url.port), url.hostname);
    const reply = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (c: Buffer) => {
        text += c.toString();
        if (text.includes("\r\n\r\n{") && text.endsWith("}")) resolve(text);
      });
    });
    socket.end(whole!); // headers and body in one write
    const oneWrite = JSON.parse((await reply).split("\r\n\r\n")[1]!) as unknown;
    const held = heldRequest(`${s.url}/predict`, body); // 5 bytes, then the rest later
    await held.sent;
    await new Promise((r) => setTimeout(r, 20));
    held.finish();
    const pieces = await held.response;
    assert.equal(pieces.status, 200);
    assert.deepEqual(oneWrite, pieces.json);
    assert.equal(
      (oneWrite as { probability: number }).probability,
      (await reference.predictor.predictProba([samples[1]!]))[0],
    );
  });

  test("a body in the charset its Content-Type names is decoded with it", async () => {
    const text = "Un film très émouvant, une réussite.";
    const latin1 = await fetch(`${s.url}/predict`, {
      method: "POST",
      body: new Uint8Array(Buffer.from(JSON.stringify({ text }), "latin1")),
      headers: { "content-type": "application/json; charset=iso-8859-1" },
    });
    assert.equal(latin1.status, 200);
    const utf8 = await post(`${s.url}/predict`, { text });
    assert.deepEqual(await latin1.json(), utf8.json);
    const [expected] = await reference.predictor.predictProba([text]);
    assert.equal(utf8.json.probability, expected);
  });

  test("a single text returns sentiment, confidence, P(positive) and the model's name and version", async () => {
    const r = await post(`${s.url}/predict`, { text: samples[0] });
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    const [expected] = await reference.predictor.predictProba([samples[0]!]);
    assert.deepEqual(Object.keys(r.json as object).sort(), [
      "confidence",
      "model",
      "probability",
      "sentiment",
    ]);
    assert.equal(r.json.probability, expected);
    assert.equal(r.json.sentiment, expected! >= 0.5 ? "positive" : "negative");
    assert.equal(r.json.confidence, Math.max(expected!, 1 - expected!));
    assert.deepEqual(r.json.model, { name: reference.metadata.name, version: reference.metadata.version });
  });

  test("the trained model tells a clearly positive review from a clearly negative one", async () => {
    const pos = await post(`${s.url}/predict`, { text: POSITIVE_REVIEW });
    const neg = await post(`${s.url}/predict`, { text: NEGATIVE_REVIEW });
    assert.equal(pos.json.sentiment, "positive");
    assert.equal(neg.json.sentiment, "negative");
    assert.ok(pos.json.probability > 0.5 && neg.json.probability < 0.5);
    assert.ok(
      pos.json.confidence === pos.json.probability && neg.json.confidence === 1 - neg.json.probability,
    );
  });

  test("a batch returns one prediction per text, in order, equal to single predictions", async () => {
    const texts = [...samples.slice(0, 7), POSITIVE_REVIEW, NEGATIVE_REVIEW];
    const r = await post(`${s.url}/predict`, { texts });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.json as object), ["predictions"]);
    assert.equal(r.json.predictions.length, texts.length);
    const expected = await reference.predictor.predictProba(texts);
    for (let i = 0; i < texts.length; i++) {
      assert.equal(r.json.predictions[i].probability, expected[i]);
      const single = await post(`${s.url}/predict`, { text: texts[i] });
      assert.deepEqual(r.json.predictions[i], single.json);
    }
  });

  test("a batch of exactly the maximum size is accepted", async () => {
    const texts = Array.from({ length: 256 }, (_, i) => samples[i % samples.length]!);
    const r = await post(`${s.url}/predict`, { texts });
    assert.equal(r.status, 200);
    assert.equal(r.json.predictions.length, 256);
  });

  test("JSON with a charset and extra fields is accepted", async () => {
    const r = await post(
      `${s.url}/predict`,
      { text: "Great film.", requestId: "x" },
      { "content-type": "application/json; charset=utf-8" },
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.sentiment === "positive" || r.json.sentiment === "negative");
  });

  test("unicode, markup and very short texts are scored, never refused", async () => {
    for (const text of ["!", "😀😀😀 très bien", "<br /><br />", " ", "a\u0000b"]) {
      const r = await post(`${s.url}/predict`, { text });
      assert.equal(r.status, 200, `${JSON.stringify(text)} gave ${r.status} ${r.text}`);
      assert.ok(r.json.probability >= 0 && r.json.probability <= 1);
    }
  });
});
