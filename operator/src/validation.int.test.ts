/**
 * The apiserver itself rejects bad specs, from the generated CRDs (OpenAPI bounds, enums, patterns
 * and CEL rules), with messages a user can act on. No operator runs here.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_NAMESPACE_LABEL } from "#testenv/namespaces.ts";
import { ApiError } from "./k8s/client.ts";
import { Resources } from "./k8s/resources.ts";
import { INVALID_SPECS } from "./testing/invalid-specs.ts";
import { trainingRunManifest, withModel, type ModelDraft, type RunDraft } from "./testing/resources.ts";
import { useOperatorSuite } from "./testing/harness.ts";

const suite = useOperatorSuite();
let ns: string;

before(async () => {
  await suite.ready;
  // One namespace for the whole file: nothing here runs long enough to need isolation.
  ns = `t-validation-${Math.random().toString(36).slice(2, 8)}`;
  await suite.kube.client.request({
    method: "POST",
    path: "/api/v1/namespaces",
    body: { metadata: { name: ns, labels: { [TEST_NAMESPACE_LABEL]: "true" } } },
  });
});
after(async () => {
  await suite.kube.client
    .request({ method: "DELETE", path: `/api/v1/namespaces/${ns}` })
    .catch(() => undefined);
});

/** Creates `obj` and returns the apiserver's refusal message (fails the test if it was accepted). */
async function refusal(obj: RunDraft | ModelDraft): Promise<string> {
  try {
    await suite.kube.create(ns, obj);
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    assert.equal(e.statusCode, 422, `expected 422 Invalid, got ${e.statusCode}: ${e.message}`);
    return e.message;
  }
  assert.fail(`the apiserver accepted an invalid ${obj.kind}: ${JSON.stringify(obj.spec)}`);
}

describe("the apiserver rejects invalid specs", () => {
  for (const c of INVALID_SPECS) {
    test(c.name, async () => {
      const message = await refusal(c.obj);
      assert.match(message, c.message);
      assert.doesNotMatch(message, /should match/, "a sentence, not the raw regex");
      assert.ok(message.length < 600, `a readable message, not a dump (${message.length} chars): ${message}`);
    });
  }

  test("a TrainingRun's spec is immutable except suspend", async () => {
    await suite.kube.create(ns, trainingRunManifest("fixed", withModel("m")));
    await suite.kube.patch(Resources.trainingRun, ns, "fixed", { spec: { suspend: true } });
    try {
      await suite.kube.patch(Resources.trainingRun, ns, "fixed", {
        spec: { hyperparameters: { epochs: 9 } },
      });
      assert.fail("changing the hyperparameters of a created run was accepted");
    } catch (e) {
      assert.ok(e instanceof ApiError && e.statusCode === 422, String(e));
      assert.match(e.message, /immutable/);
    }
  });
});
