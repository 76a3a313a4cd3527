import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { z } from "zod";
import { TrainingRunSpec } from "../training-run.ts";
import { buildCrd } from "./build.ts";
import { SENTIMENT_MODEL_CRD, TRAINING_RUN_CRD } from "./definitions.ts";
import { renderCrdFiles } from "./render.ts";
import { StructuralError, toStructural, type SchemaNode } from "./structural.ts";

const crdsDir = join(import.meta.dirname, "..", "..", "..", "..", "crds");

type Crd = {
  spec: {
    names: Record<string, unknown>;
    versions: {
      schema: { openAPIV3Schema: SchemaNode };
      subresources: Record<string, unknown>;
      additionalPrinterColumns: { name: string; jsonPath: string }[];
    }[];
  };
};
const version = (crd: Crd) => crd.spec.versions[0]!;

/** Every schema node, with its path. */
function* nodes(node: SchemaNode, path = ""): Generator<[string, SchemaNode]> {
  yield [path, node];
  for (const [k, v] of Object.entries((node["properties"] as Record<string, SchemaNode> | undefined) ?? {}))
    yield* nodes(v, `${path}.${k}`);
  if (node["items"]) yield* nodes(node["items"] as SchemaNode, `${path}[]`);
  if (typeof node["additionalProperties"] === "object")
    yield* nodes(node["additionalProperties"] as SchemaNode, `${path}.*`);
}

describe("crds/ drift", () => {
  for (const [file, text] of renderCrdFiles()) {
    test(`${file} is what the schemas generate (run npm run gen:crds if not)`, () => {
      assert.equal(readFileSync(join(crdsDir, file), "utf8"), text);
    });
  }
});

describe("generated CRDs", () => {
  for (const def of [TRAINING_RUN_CRD, SENTIMENT_MODEL_CRD]) {
    const crd = buildCrd(def) as unknown as Crd;
    test(`${def.names.kind}: structural (types everywhere, no $ref/anyOf, bounded strings and lists)`, () => {
      for (const [path, node] of nodes(version(crd).schema.openAPIV3Schema)) {
        assert.ok(!("$ref" in node) && !("allOf" in node), path);
        if (node["x-kubernetes-int-or-string"] === true) {
          assert.deepEqual(node["anyOf"], [{ type: "integer" }, { type: "string" }], path);
          continue;
        }
        assert.ok(!("anyOf" in node), path);
        assert.equal(typeof node["type"], "string", `${path} has no type`);
        if (node["type"] === "array") assert.ok(typeof node["maxItems"] === "number", `${path} maxItems`);
        if (node["type"] === "string" && path.startsWith(".spec"))
          assert.ok(node["maxLength"] !== undefined || node["enum"] !== undefined, `${path} maxLength`);
      }
    });
    test(`${def.names.kind}: every property has a description (kubectl explain)`, () => {
      const missing = [...nodes(version(crd).schema.openAPIV3Schema)]
        .filter(([, node]) => typeof node["description"] !== "string" || node["description"].trim() === "")
        // Array items and map values are described by their field; metadata may carry only its type
        // (the apiserver's rule), kubectl explain shows ObjectMeta's own docs.
        .filter(([path]) => !path.endsWith("[]") && !path.endsWith(".*") && path !== ".metadata")
        .map(([path]) => path || "(root)");
      assert.deepEqual(missing, [], `no description: ${missing.join(", ")}`);
    });
    test(`${def.names.kind}: no pattern (refused with the raw regex); each form is a CEL rule with a sentence`, () => {
      for (const [path, node] of nodes(version(crd).schema.openAPIV3Schema)) {
        assert.ok(!("pattern" in node), `${path} has a pattern`);
        for (const r of (node["x-kubernetes-validations"] as
          { rule: string; message?: string }[] | undefined) ?? [])
          assert.ok((r.message ?? "").length > 10, `${path}: rule ${r.rule} has no message`);
      }
    });
    test(`${def.names.kind}: category mlops, short names, status subresource`, () => {
      assert.deepEqual(crd.spec.names["categories"], ["mlops"]);
      assert.ok((crd.spec.names["shortNames"] as string[]).length > 0);
      assert.deepEqual(version(crd).subresources["status"], {});
    });
  }

  test("TrainingRun printer columns", () => {
    const cols = version(buildCrd(TRAINING_RUN_CRD) as unknown as Crd).additionalPrinterColumns.map(
      (c) => c.name,
    );
    assert.deepEqual(cols, ["Model", "Arch", "Phase", "Accuracy", "F1", "Age", "MLflow"]);
  });

  test("SentimentModel printer columns and scale subresource", () => {
    const v = version(buildCrd(SENTIMENT_MODEL_CRD) as unknown as Crd);
    assert.deepEqual(
      v.additionalPrinterColumns.map((c) => c.name),
      ["Version", "Ready", "Accuracy", "Phase", "URL", "Age"],
    );
    assert.deepEqual(v.subresources["scale"], {
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.replicas",
      labelSelectorPath: ".status.selector",
    });
  });

  test("TrainingRun spec is immutable except suspend: one readable rule per field", () => {
    const spec = (
      version(buildCrd(TRAINING_RUN_CRD) as unknown as Crd).schema.openAPIV3Schema["properties"] as Record<
        string,
        SchemaNode
      >
    )["spec"]!;
    const rules = spec["x-kubernetes-validations"] as { rule: string; message: string }[];
    const frozen = rules.filter((r) => r.rule.includes("oldSelf"));
    const fields = Object.keys(TrainingRunSpec.shape).filter((f) => f !== "suspend");
    assert.equal(frozen.length, fields.length);
    for (const f of fields)
      assert.ok(
        frozen.some((r) => r.message.startsWith(`spec.${f} is immutable`)),
        f,
      );
    assert.ok(!frozen.some((r) => r.rule.includes("suspend")));
    assert.ok(
      frozen.some((r) => r.rule === "self.dataset == oldSelf.dataset"),
      "defaulted fields compare directly",
    );
    assert.ok(
      frozen.some((r) => r.rule.startsWith("has(self.model) == has(oldSelf.model)")),
      "optional fields must stay set or unset",
    );
  });

  test("defaults reach the CRD (the apiserver applies them)", () => {
    const text = [...renderCrdFiles().values()].join("\n");
    const sm = parse(readFileSync(join(crdsDir, "sentiment.mlops.dev_sentimentmodels.yaml"), "utf8")) as Crd;
    const spec = (version(sm).schema.openAPIV3Schema["properties"] as Record<string, SchemaNode>)["spec"]!;
    const props = spec["properties"] as Record<string, SchemaNode>;
    assert.equal(props["replicas"]!["default"], 2);
    assert.equal(
      (props["storage"]!["properties"] as Record<string, SchemaNode>)["accessModes"]!["default"]?.toString(),
      "ReadWriteOnce",
    );
    assert.ok(text.includes("x-kubernetes-int-or-string: true"));
  });
});

describe("toStructural refuses non-structural shapes", () => {
  const cases: { name: string; schema: z.ZodType; message: RegExp }[] = [
    { name: "unbounded string", schema: z.object({ s: z.string() }), message: /\.s: strings need maxLength/ },
    {
      name: "unbounded array",
      schema: z.object({ a: z.array(z.int()) }),
      message: /\.a: arrays need maxItems/,
    },
    {
      name: "unbounded map",
      schema: z.object({ m: z.record(z.string(), z.int()) }),
      message: /\.m: maps need maxProperties/,
    },
    { name: "a union", schema: z.object({ u: z.union([z.int(), z.boolean()]) }), message: /\.u: anyOf/ },
  ];
  for (const c of cases)
    test(c.name, () =>
      assert.throws(
        () => toStructural(c.schema),
        (e: unknown) => e instanceof StructuralError && c.message.test(e.message),
      ),
    );

  test("a literal becomes a one-value enum; int bounds of zod go", () => {
    const got = toStructural(z.object({ v: z.literal("a"), n: z.int() }));
    assert.deepEqual(got["properties"], { v: { type: "string", enum: ["a"] }, n: { type: "integer" } });
  });
});
