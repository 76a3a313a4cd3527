/**
 * The generated CRDs on a real kube-apiserver (scripts/testenv): they install, accept the samples
 * and the statuses the core writes, reject invalid specs with readable messages (OpenAPI bounds
 * and CEL rules), freeze a TrainingRun's spec except `suspend`, and serve the scale subresource,
 * printer columns and the `mlops` category.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { parse, stringify } from "yaml";
import { useTestCluster } from "#testenv/cluster.ts";
import { defaultOperatorConfig } from "../../config.ts";
import { decideSentimentModel } from "../../core/sentiment-model/decide.ts";
import { decideTrainingRun } from "../../core/training-run/decide.ts";
import { sentimentModel, trainingRun, summaryMessage } from "../../testing/resources.ts";
import { at, jobComplete, liveJob, trainerPod } from "../../testing/world.ts";

const cluster = useTestCluster();
const samples = join(import.meta.dirname, "..", "..", "..", "..", "config", "samples");

function kubectl(args: string[], input?: string): { ok: boolean; out: string } {
  const r = spawnSync("kubectl", ["--kubeconfig", cluster.kubeconfigPath, ...args], {
    input,
    encoding: "utf8",
  });
  if (r.error) throw new Error(`kubectl is needed for this test and could not run: ${r.error.message}`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

const doc = (kind: "TrainingRun" | "SentimentModel", name: string, spec: unknown) =>
  stringify({ apiVersion: "sentiment.mlops.dev/v1alpha1", kind, metadata: { name }, spec });

before(() => {
  // kubectl, not cluster.applyCrds(): client-node's ObjectSerializer drops the CRD schema keys it
  // names differently (`default`, `x-kubernetes-validations`, `x-kubernetes-int-or-string`).
  const crds = join(import.meta.dirname, "..", "..", "..", "..", "crds");
  const applied = kubectl(["apply", "--server-side", "--field-manager=crd-test", "-f", crds]);
  assert.ok(applied.ok, applied.out);
  const established = kubectl([
    "wait",
    "--for=condition=Established",
    "--timeout=60s",
    "crd/trainingruns.sentiment.mlops.dev",
    "crd/sentimentmodels.sentiment.mlops.dev",
  ]);
  assert.ok(established.ok, established.out);
});

describe("CRDs on the apiserver", () => {
  test("every sample is accepted, with defaults applied", async (t) => {
    const ns = await cluster.namespace(t);
    for (const file of [
      "trainingrun.yaml",
      "trainingrun-manual.yaml",
      "trainingrun-experiment.yaml",
      "sentimentmodel.yaml",
      "sentimentmodel-pinned.yaml",
    ]) {
      const r = kubectl(["apply", "-n", ns, "--dry-run=server", "-o", "yaml", "-f", join(samples, file)]);
      assert.ok(r.ok, `${file}: ${r.out}`);
    }
    const r = kubectl(
      ["create", "-n", ns, "--dry-run=server", "-o", "yaml", "-f", "-"],
      doc("SentimentModel", "defaults", {}),
    );
    assert.ok(r.ok, r.out);
    const spec = (
      parse(r.out) as {
        spec: { replicas: number; storage: { size: string }; autoscaling: { maxReplicas: number } };
      }
    ).spec;
    assert.deepEqual([spec.replicas, spec.storage.size, spec.autoscaling.maxReplicas], [2, "2Gi", 5]);
  });

  const invalid: {
    name: string;
    kind: "TrainingRun" | "SentimentModel";
    metaName?: string;
    spec: unknown;
    message: RegExp;
  }[] = [
    {
      name: "promotion without a model",
      kind: "TrainingRun",
      spec: { output: { claimName: "x" }, promotion: { policy: "Auto" } },
      message: /policy Auto or Manual requires spec\.model/,
    },
    {
      name: "experiment without an output claim",
      kind: "TrainingRun",
      spec: { promotion: { policy: "Never" } },
      message: /spec\.output\.claimName is required when spec\.model is not set/,
    },
    {
      name: "url source without url",
      kind: "TrainingRun",
      spec: { model: "m", dataset: { source: "url" } },
      message: /spec\.dataset\.url is required when source is url/,
    },
    {
      name: "pvc source without claim",
      kind: "TrainingRun",
      spec: { model: "m", dataset: { source: "pvc" } },
      message: /spec\.dataset\.claimName is required when source is pvc/,
    },
    {
      name: "url with the imdb source",
      kind: "TrainingRun",
      spec: { model: "m", dataset: { url: "https://x/y" } },
      message: /spec\.dataset\.url is only allowed when source is url/,
    },
    {
      name: "unknown architecture",
      kind: "TrainingRun",
      spec: { model: "m", architecture: "gpt" },
      message: /Unsupported value: "gpt"/,
    },
    {
      name: "zero epochs",
      kind: "TrainingRun",
      spec: { model: "m", hyperparameters: { epochs: 0 } },
      message: /epochs: Invalid value: 0: .*greater than or equal to 1/,
    },
    {
      name: "minAccuracy above 1",
      kind: "TrainingRun",
      spec: { model: "m", promotion: { minAccuracy: 1.5 } },
      message: /minAccuracy: Invalid value: 1\.5: .*less than or equal to 1/,
    },
    {
      name: "a path escaping the claim",
      kind: "TrainingRun",
      spec: { model: "m", dataset: { source: "pvc", claimName: "d", path: "a/../../etc" } },
      message: /must not contain a \.\. segment/,
    },
    {
      name: "a name that cannot label pods",
      kind: "TrainingRun",
      metaName: "run.with.dots",
      spec: { model: "m" },
      message: /metadata\.name must be a DNS-1035 label/,
    },
    {
      name: "minReplicas above maxReplicas",
      kind: "SentimentModel",
      spec: { autoscaling: { minReplicas: 4, maxReplicas: 2 } },
      message: /minReplicas must be <= maxReplicas/,
    },
    {
      name: "version and artifactUri together",
      kind: "SentimentModel",
      spec: { version: "v1", artifactUri: "pvc://c/m" },
      message: /mutually exclusive/,
    },
    {
      name: "a storage size that is no quantity",
      kind: "SentimentModel",
      spec: { storage: { size: "2 GB" } },
      message: /spec\.storage\.size: Invalid value: "": must be a quantity such as 500m, 2Gi or 1/,
    },
    {
      name: "an artifact URI that is not pvc://",
      kind: "SentimentModel",
      spec: { artifactUri: "s3://bucket/m" },
      message: /spec\.artifactUri must be pvc:\/\/<claim>\/<path to a model directory>/,
    },
    {
      name: "env valueFrom with two sources",
      kind: "SentimentModel",
      spec: {
        server: {
          env: [
            {
              name: "A",
              valueFrom: { secretKeyRef: { name: "s", key: "k" }, configMapKeyRef: { name: "c", key: "k" } },
            },
          ],
        },
      },
      message: /exactly one of secretKeyRef or configMapKeyRef/,
    },
    {
      name: "a bad PDB maxUnavailable",
      kind: "SentimentModel",
      spec: { podDisruptionBudget: { maxUnavailable: "half" } },
      message:
        /spec\.podDisruptionBudget\.maxUnavailable: Invalid value: "": must be an integer or a percentage/,
    },
  ];
  test(`${invalid.length} invalid specs are rejected with readable messages`, async (t) => {
    const ns = await cluster.namespace(t);
    for (const c of invalid) {
      const r = kubectl(
        ["create", "-n", ns, "--dry-run=server", "-f", "-"],
        doc(c.kind, c.metaName ?? "bad", c.spec),
      );
      assert.equal(r.ok, false, `${c.name} was accepted`);
      assert.match(r.out, c.message, c.name);
    }
  });

  test("kubectl explain shows the descriptions of nested fields", async () => {
    // The apiserver publishes a new CRD's OpenAPI a moment after it is Established.
    const explain = async (field: string): Promise<string> => {
      for (let i = 0; ; i++) {
        const r = kubectl(["explain", field]);
        if (r.ok && !r.out.includes("<empty>")) return r.out;
        if (i === 60) assert.fail(`kubectl explain ${field}: ${r.out}`);
        await new Promise((res) => setTimeout(res, 500));
      }
    };
    const url = await explain("trainingrun.spec.dataset.url");
    assert.match(url, /The file to download \(http or https\); required when source is url/);
    const spec = await explain("trainingrun.spec");
    assert.doesNotMatch(spec, /<no description>/);
    assert.match(spec, /backoffLimit\s+<integer>\s+Times a failed training pod is retried/);
    const pdb = await explain("sentimentmodel.spec.podDisruptionBudget.maxUnavailable");
    assert.match(pdb, /Most server pods a voluntary disruption/);
    const reason = await explain("sentimentmodel.status.conditions.reason");
    assert.match(reason, /Why the condition has this status: a CamelCase word/);
  });

  test("a TrainingRun's spec is immutable except suspend", async (t) => {
    const ns = await cluster.namespace(t);
    assert.ok(kubectl(["create", "-n", ns, "-f", join(samples, "trainingrun.yaml")]).ok);
    const patch = (p: unknown) =>
      kubectl(["patch", "-n", ns, "trainingrun/reviews-nblr-1", "--type=merge", "-p", JSON.stringify(p)]);
    const cases: [unknown, RegExp][] = [
      [
        { spec: { architecture: "bilstm" } },
        /spec\.architecture is immutable: create a new TrainingRun instead/,
      ],
      [{ spec: { hyperparameters: { epochs: 9 } } }, /spec\.hyperparameters is immutable/],
      [{ spec: { image: "other:1" } }, /spec\.image is immutable/],
      [{ spec: { model: null } }, /spec\.model is immutable/],
    ];
    for (const [p, message] of cases) {
      const r = patch(p);
      assert.equal(r.ok, false, JSON.stringify(p));
      assert.match(r.out, message);
    }
    const r = patch({ spec: { suspend: true } });
    assert.ok(r.ok, r.out);
  });

  test("the statuses the core computes are accepted by the status subresource", async (t) => {
    const ns = await cluster.namespace(t);
    const config = defaultOperatorConfig();
    const run = trainingRun("run-a");
    const decided = decideTrainingRun(
      run,
      {
        job: liveJob(run, jobComplete()),
        pods: [trainerPod(run, "Succeeded", summaryMessage())],
        model: undefined,
      },
      at(120),
      config,
    );
    assert.equal(decided.status.phase, "Promoted");
    assert.ok(kubectl(["create", "-n", ns, "-f", "-"], doc("TrainingRun", "run-a", { model: "reviews" })).ok);
    const w1 = kubectl([
      "patch",
      "-n",
      ns,
      "trainingrun/run-a",
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: decided.status }),
    ]);
    assert.ok(w1.ok, w1.out);

    const model = sentimentModel("reviews");
    const promoted = { ...run, status: decided.status };
    const modelDecision = decideSentimentModel(
      model,
      { trainingRuns: [promoted], children: {}, serviceMonitorCrdInstalled: false },
      at(130),
      config,
    );
    assert.ok(kubectl(["create", "-n", ns, "-f", "-"], doc("SentimentModel", "reviews", {})).ok);
    const w2 = kubectl([
      "patch",
      "-n",
      ns,
      "sentimentmodel/reviews",
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: modelDecision.status }),
    ]);
    assert.ok(w2.ok, w2.out);

    const runs = kubectl(["get", "-n", ns, "trainingruns"]);
    assert.match(runs.out, /NAME\s+MODEL\s+ARCH\s+PHASE\s+ACCURACY\s+F1\s+AGE/);
    assert.match(runs.out, /run-a\s+reviews\s+nblr\s+Promoted\s+0\.92\s+0\.92/);
    const models = kubectl(["get", "-n", ns, "smodel"]);
    assert.match(models.out, /NAME\s+VERSION\s+READY\s+ACCURACY\s+PHASE\s+URL\s+AGE/);
    assert.match(
      models.out,
      /reviews\s+20250102-030405-1a2b3c4d\s+0\/2\s+0\.92\s+Progressing\s+http:\/\/reviews\.ml\.svc\.cluster\.local\/predict/,
    );
    const all = kubectl(["get", "-n", ns, "mlops", "-o", "name"]);
    assert.match(all.out, /trainingrun\.sentiment\.mlops\.dev\/run-a/);
    assert.match(all.out, /sentimentmodel\.sentiment\.mlops\.dev\/reviews/);
  });

  test("kubectl scale works through the scale subresource", async (t) => {
    const ns = await cluster.namespace(t);
    assert.ok(kubectl(["create", "-n", ns, "-f", "-"], doc("SentimentModel", "scaled", {})).ok);
    const r = kubectl(["scale", "-n", ns, "sentimentmodel/scaled", "--replicas=4"]);
    assert.ok(r.ok, r.out);
    assert.equal(
      kubectl(["get", "-n", ns, "sentimentmodel/scaled", "-o", "jsonpath={.spec.replicas}"]).out,
      "4",
    );
  });
});
