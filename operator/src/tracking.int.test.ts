/**
 * MLflow tracking on the real control plane: what a TrainingRun's spec.tracking.mlflow becomes in
 * the Job the operator creates (flags for the trainer, credentials only as Secret references), and
 * that the apiserver keeps spec.tracking as written and refuses to change it.
 */
import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";
import type { V1Container, V1Job } from "@kubernetes/client-node";
import { MLFLOW_ENV } from "../../common/mlflow/env.ts";
import { TRAINER_CONTAINER } from "./api/names.ts";
import { defaultOperatorConfig } from "./config.ts";
import { ApiError } from "./k8s/client.ts";
import { Resources } from "./k8s/resources.ts";
import type { KubeObject } from "./api/kube-object.ts";
import { trainingRunManifest, withModel, withRunSpec } from "./testing/resources.ts";
import { operatorAccess, startOperator, useOperatorSuite, type Kube } from "./testing/harness.ts";
import { createModel } from "./testing/scenarios.ts";

const suite = useOperatorSuite();
const { cluster } = suite;

const SECRET = "mlflow-auth";
const PASSWORD = "s3cret-pass-0f9e";
const TOKEN = "tok-7d1c2b";
const mlflow = {
  trackingUri: "http://mlflow.mlflow.svc:5000",
  experiment: "reviews-exp",
  credentialsSecret: SECRET,
  registeredModel: "reviews-registry",
  alias: "champion",
};

/** The trainer container of the run's Job, once the operator has created it. */
async function trainerOf(kube: Kube, ns: string, run: string): Promise<{ job: V1Job; trainer: V1Container }> {
  const job = await kube.waitFor<V1Job & KubeObject>(Resources.job, ns, run, "to be created", () => true);
  const trainer = job.spec?.template.spec?.containers.find((c) => c.name === TRAINER_CONTAINER);
  assert.ok(trainer, `Job ${ns}/${run} has no ${TRAINER_CONTAINER} container`);
  return { job, trainer };
}

/** `--name value` pairs of the trainer's command line (the flag must appear at most once). */
function flagValue(args: readonly string[], name: string): string | undefined {
  const at = args.flatMap((a, i) => (a === `--${name}` ? [i] : []));
  assert.ok(at.length <= 1, `--${name} appears ${at.length} times: ${args.join(" ")}`);
  return at.length === 0 ? undefined : args[at[0]! + 1];
}

async function createSecret(kube: Kube, ns: string): Promise<void> {
  await kube.client.request({
    method: "POST",
    path: `/api/v1/namespaces/${ns}/secrets`,
    body: {
      metadata: { name: SECRET },
      stringData: {
        [MLFLOW_ENV.username]: "trainer",
        [MLFLOW_ENV.password]: PASSWORD,
        [MLFLOW_ENV.token]: TOKEN,
      },
    },
  });
}

async function setUp(t: TestContext, mlflowTrackingUri?: string): Promise<string> {
  const ns = await cluster.namespace(t);
  await startOperator(t, await operatorAccess(cluster, suite.kube, t, ns), ns, {
    config: defaultOperatorConfig({
      metricsGraceSeconds: 30,
      ...(mlflowTrackingUri === undefined ? {} : { mlflowTrackingUri }),
    }),
  });
  await createModel(suite.kube, t, ns, "m");
  return ns;
}

describe("MLflow tracking of a TrainingRun", () => {
  test("spec.tracking.mlflow reaches the trainer as flags, credentials only as Secret references, and is immutable", async (t) => {
    const ns = await setUp(t);
    await createSecret(suite.kube, ns);
    await suite.kube.create(
      ns,
      trainingRunManifest("tracked", withModel("m"), withRunSpec({ tracking: { mlflow } })),
    );

    const { job, trainer } = await trainerOf(suite.kube, ns, "tracked");
    const args = trainer.args ?? [];
    assert.equal(flagValue(args, "tracking-uri"), mlflow.trackingUri);
    assert.equal(flagValue(args, "experiment"), mlflow.experiment);
    assert.equal(flagValue(args, "training-run"), `${ns}/tracked`);

    const env = (trainer.env ?? []).filter((e) => e.name.startsWith("MLFLOW_"));
    assert.deepEqual(
      env.map((e) => ({ name: e.name, value: e.value, valueFrom: e.valueFrom })),
      [MLFLOW_ENV.username, MLFLOW_ENV.password, MLFLOW_ENV.token].map((key) => ({
        name: key,
        value: undefined,
        valueFrom: { secretKeyRef: { name: SECRET, key, optional: true } },
      })),
      "credentials come from the Secret by reference, never as plain values",
    );
    const wire = JSON.stringify(job);
    for (const secretValue of [PASSWORD, TOKEN])
      assert.ok(!wire.includes(secretValue), "no credential value appears anywhere in the Job");

    // The apiserver kept every field (nothing pruned by the CRD schema).
    const stored = await suite.kube.get<KubeObject & { spec: { tracking?: unknown } }>(
      Resources.trainingRun,
      ns,
      "tracked",
    );
    assert.deepEqual(stored?.spec.tracking, { mlflow });

    for (const [what, tracking] of [
      ["changing the experiment", { mlflow: { ...mlflow, experiment: "other" } }],
      ["removing spec.tracking", null],
    ] as const) {
      try {
        await suite.kube.patch(Resources.trainingRun, ns, "tracked", { spec: { tracking } });
        assert.fail(`${what} of a created run was accepted`);
      } catch (e) {
        assert.ok(e instanceof ApiError, String(e));
        assert.equal(e.statusCode, 422, `${what}: expected 422 Invalid, got ${e.statusCode}: ${e.message}`);
        assert.match(e.message, /spec\.tracking is immutable: create a new TrainingRun instead/);
        assert.ok(e.message.length < 600, `a readable message, not a dump: ${e.message}`);
      }
    }
  });

  test("a run without spec.tracking gets no MLflow flags or variables when the operator has no default", async (t) => {
    const ns = await setUp(t);
    await suite.kube.create(ns, trainingRunManifest("untracked", withModel("m")));
    const { trainer } = await trainerOf(suite.kube, ns, "untracked");
    assert.doesNotMatch((trainer.args ?? []).join(" "), /--tracking-uri|--experiment|--training-run/);
    assert.deepEqual(
      (trainer.env ?? []).filter((e) => e.name.startsWith("MLFLOW_")),
      [],
    );
  });

  test("a run without spec.tracking is tracked on the operator's default server, without credentials", async (t) => {
    const ns = await setUp(t, "http://mlflow.default.svc:5000");
    await suite.kube.create(ns, trainingRunManifest("defaulted", withModel("m")));
    const { trainer } = await trainerOf(suite.kube, ns, "defaulted");
    const args = trainer.args ?? [];
    assert.equal(flagValue(args, "tracking-uri"), "http://mlflow.default.svc:5000");
    assert.equal(flagValue(args, "experiment"), undefined, "the trainer's default experiment");
    assert.equal(flagValue(args, "training-run"), `${ns}/defaulted`);
    assert.deepEqual(
      (trainer.env ?? []).filter((e) => e.name.startsWith("MLFLOW_")),
      [],
    );
  });
});
