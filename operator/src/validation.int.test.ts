/**
 * The apiserver itself rejects bad specs, from the generated CRDs (OpenAPI bounds, enums, patterns
 * and CEL rules), with messages a user can act on. No operator runs here.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { TEST_NAMESPACE_LABEL } from "#testenv/namespaces.ts";
import { ApiError } from "./k8s/client.ts";
import { Resources } from "./k8s/resources.ts";
import {
  sentimentModelManifest,
  trainingRunManifest,
  withPromotion,
  withModel,
  withRawSpec,
  type ModelDraft,
  type RunDraft,
} from "./testing/resources.ts";
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

const cases: { name: string; obj: RunDraft | ModelDraft; message: RegExp }[] = [
  {
    name: "an unknown architecture",
    obj: trainingRunManifest("bad-arch", withModel("m"), withRawSpec({ architecture: "transformer" })),
    message: /spec\.architecture: Unsupported value: "transformer": supported values: "nblr", "bilstm"/,
  },
  {
    name: "zero epochs",
    obj: trainingRunManifest("zero-epochs", withModel("m"), withRawSpec({ hyperparameters: { epochs: 0 } })),
    message:
      /spec\.hyperparameters\.epochs: Invalid value: 0: spec\.hyperparameters\.epochs in body should be greater than or equal to 1/,
  },
  {
    name: "a learning rate of zero",
    obj: trainingRunManifest(
      "zero-lr",
      withModel("m"),
      withRawSpec({ hyperparameters: { learningRate: 0 } }),
    ),
    message: /spec\.hyperparameters\.learningRate: .*should be greater than 0/,
  },
  {
    name: "a url dataset without a url",
    obj: trainingRunManifest("no-url", withModel("m"), withRawSpec({ dataset: { source: "url" } })),
    message: /spec\.dataset\.url is required when source is url/,
  },
  {
    name: "a malformed dataset checksum",
    obj: trainingRunManifest(
      "bad-sha",
      withModel("m"),
      withRawSpec({ dataset: { source: "imdb", sha256: "xyz" } }),
    ),
    message: /spec\.dataset\.sha256/,
  },
  {
    name: "automatic promotion without a model",
    obj: trainingRunManifest(
      "no-model",
      withPromotion({ policy: "Auto" }),
      withRawSpec({ output: { claimName: "scratch" } }),
    ),
    message: /spec\.promotion\.policy Auto or Manual requires spec\.model/,
  },
  {
    name: "a minimum accuracy above 1",
    obj: trainingRunManifest("acc-too-high", withModel("m"), withPromotion({ minAccuracy: 1.5 })),
    message: /spec\.promotion\.minAccuracy: Invalid value: 1\.5: .*less than or equal to 1/,
  },
  {
    name: "minReplicas above maxReplicas",
    obj: sentimentModelManifest(
      "bad-hpa",
      withRawSpec({ autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 } }),
    ),
    message: /spec\.autoscaling\.minReplicas must be <= maxReplicas/,
  },
  {
    name: "a pinned version and an artifact URI together",
    obj: sentimentModelManifest("both", withRawSpec({ version: "v1", artifactUri: "pvc://models/m/v1" })),
    message: /spec\.version and spec\.artifactUri are mutually exclusive/,
  },
  {
    name: "an artifact URI that is not on a volume claim",
    obj: sentimentModelManifest("s3", withRawSpec({ artifactUri: "s3://bucket/model" })),
    message: /spec\.artifactUri: .*spec\.artifactUri must be pvc:\/\/<claim>\/<path to a model directory>/,
  },
  {
    name: "negative replicas",
    obj: sentimentModelManifest("negative", withRawSpec({ replicas: -1 })),
    message: /spec\.replicas: Invalid value: -1: .*greater than or equal to 0/,
  },
  {
    name: "an unknown Service type",
    obj: sentimentModelManifest("ingress", withRawSpec({ service: { type: "Ingress" } })),
    message: /spec\.service\.type: Unsupported value: "Ingress"/,
  },
  {
    name: "a scrape interval that is not a duration",
    obj: sentimentModelManifest(
      "interval",
      withRawSpec({ monitoring: { serviceMonitor: { interval: "often" } } }),
    ),
    message: /spec\.monitoring\.serviceMonitor\.interval/,
  },
];

describe("the apiserver rejects invalid specs", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const message = await refusal(c.obj);
      assert.match(message, c.message);
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
