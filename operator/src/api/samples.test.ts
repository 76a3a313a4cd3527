import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { API_VERSION, SENTIMENT_MODEL, TRAINING_RUN } from "./group.ts";
import { SentimentModelSpec } from "./sentiment-model.ts";
import { TrainingRunSpec } from "./training-run.ts";

const dir = join(import.meta.dirname, "..", "..", "..", "config", "samples");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
const SPECS: Readonly<Record<string, typeof TrainingRunSpec | typeof SentimentModelSpec>> = {
  [TRAINING_RUN.kind]: TrainingRunSpec,
  [SENTIMENT_MODEL.kind]: SentimentModelSpec,
};

describe("config/samples", () => {
  test("there are samples of both kinds", () => {
    const kinds = files.map((f) => (parse(readFileSync(join(dir, f), "utf8")) as { kind: string }).kind);
    assert.ok(kinds.includes(TRAINING_RUN.kind) && kinds.includes(SENTIMENT_MODEL.kind), kinds.join(","));
  });
  for (const file of files) {
    test(`${file} matches the schema`, () => {
      const doc = parse(readFileSync(join(dir, file), "utf8")) as {
        apiVersion: string;
        kind: string;
        metadata: { name: string };
        spec: unknown;
      };
      assert.equal(doc.apiVersion, API_VERSION);
      const schema = SPECS[doc.kind];
      assert.ok(schema, `unknown kind ${doc.kind}`);
      const parsed = schema.safeParse(doc.spec);
      assert.ok(
        parsed.success,
        parsed.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
      assert.match(doc.metadata.name, /^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    });
  }
});

describe("schema validation of bad specs (zod side)", () => {
  const cases: {
    name: string;
    schema: typeof TrainingRunSpec | typeof SentimentModelSpec;
    spec: unknown;
    path: string;
  }[] = [
    {
      name: "unknown architecture",
      schema: TrainingRunSpec,
      spec: { model: "m", architecture: "gpt" },
      path: "architecture",
    },
    {
      name: "epochs 0",
      schema: TrainingRunSpec,
      spec: { model: "m", hyperparameters: { epochs: 0 } },
      path: "hyperparameters.epochs",
    },
    {
      name: "minAccuracy above 1",
      schema: TrainingRunSpec,
      spec: { model: "m", promotion: { minAccuracy: 1.2 } },
      path: "promotion.minAccuracy",
    },
    {
      name: "model name not a DNS label",
      schema: TrainingRunSpec,
      spec: { model: "Reviews_1" },
      path: "model",
    },
    {
      name: "dataset path with ..",
      schema: TrainingRunSpec,
      spec: { model: "m", dataset: { source: "pvc", claimName: "d", path: "a/../b" } },
      path: "dataset.path",
    },
    {
      name: "bad quantity",
      schema: SentimentModelSpec,
      spec: { storage: { size: "2 GB" } },
      path: "storage.size",
    },
    {
      name: "bad interval",
      schema: SentimentModelSpec,
      spec: { monitoring: { serviceMonitor: { interval: "soon" } } },
      path: "monitoring.serviceMonitor.interval",
    },
    {
      name: "artifactUri not pvc://",
      schema: SentimentModelSpec,
      spec: { artifactUri: "s3://bucket/model" },
      path: "artifactUri",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = c.schema.safeParse(c.spec);
      assert.equal(got.success, false);
      assert.ok(
        got.error?.issues.some((i) => i.path.join(".") === c.path),
        got.error?.issues.map((i) => i.path.join(".")).join(","),
      );
    });
  }
});
