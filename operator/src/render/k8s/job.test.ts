import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultOperatorConfig } from "../../config.ts";
import { trainingRun, withEpochs, withModel, withRunSpec, withSuspend } from "../../testing/resources.ts";
import { buildJob } from "./job.ts";

const config = defaultOperatorConfig({ trainerImage: "trainer:1" });
const output = { claimName: "reviews-models", path: "reviews/run-a" };
const job = (...mods: Parameters<typeof trainingRun>[1][]) =>
  buildJob(trainingRun("run-a", ...mods), output, config);
const pod = (j: ReturnType<typeof job>) => j.spec!.template.spec!;
const container = (j: ReturnType<typeof job>) => pod(j).containers[0]!;

describe("buildJob", () => {
  test("runs the trainer with flags named as its CLI", () => {
    const args = container(
      job(
        withEpochs(3),
        withRunSpec({
          hyperparameters: { epochs: 3, batchSize: 64, learningRate: 0.5, seed: 7, validationSplit: 0.2 },
          preprocessing: { minFreq: 2, maxLength: 128 },
        }),
      ),
    ).args;
    assert.equal(
      args?.join(" "),
      "train --data imdb --out /models/reviews/run-a --name reviews --arch nblr --epochs 3 --batch-size 64 " +
        "--learning-rate 0.5 --seed 7 --validation-split 0.2 --min-freq 2 --max-length 128 --metrics-file /dev/termination-log",
    );
  });

  test("leaves unset hyperparameters to the trainer's defaults", () => {
    assert.equal(
      container(job()).args?.join(" "),
      "train --data imdb --out /models/reviews/run-a --name reviews --arch nblr --metrics-file /dev/termination-log",
    );
  });

  test("an experiment names the artifact after the run", () => {
    const j = buildJob(
      trainingRun("exp-1", withModel(undefined), withRunSpec({ output: { claimName: "scratch" } })),
      { claimName: "scratch", path: "experiments/exp-1" },
      config,
    );
    assert.equal(container(j).args?.slice(3, 7).join(" "), "--out /models/experiments/exp-1 --name exp-1");
  });

  test("a url dataset passes the URL, format, columns and sha256", () => {
    const args = container(
      job(
        withRunSpec({
          dataset: {
            source: "url",
            url: "https://example.com/r.csv",
            format: "csv",
            textColumn: "review",
            labelColumn: "sentiment",
            sha256: "b".repeat(64),
          },
        }),
      ),
    ).args!;
    assert.deepEqual(args.slice(1, 3), ["--data", "https://example.com/r.csv"]);
    for (const flag of ["--format", "--text-column", "--label-column", "--sha256"])
      assert.ok(args.includes(flag), flag);
  });

  test("a pvc dataset is mounted read-only and passed by path", () => {
    const j = job(withRunSpec({ dataset: { source: "pvc", claimName: "data", path: "imdb/train.jsonl" } }));
    assert.deepEqual(container(j).args!.slice(1, 3), ["--data", "/data/imdb/train.jsonl"]);
    assert.deepEqual(pod(j).volumes!.find((v) => v.name === "data")?.persistentVolumeClaim, {
      claimName: "data",
      readOnly: true,
    });
    assert.equal(container(j).volumeMounts!.find((m) => m.name === "data")?.readOnly, true);
  });

  test("writes the metrics summary to the termination message, falling back to logs on error", () => {
    const c = container(job());
    assert.equal(c.terminationMessagePath, "/dev/termination-log");
    assert.equal(c.terminationMessagePolicy, "FallbackToLogsOnError");
  });

  test("is locked down: non-root, read-only root, no capabilities, seccomp, emptyDir /tmp", () => {
    const j = job();
    const c = container(j);
    assert.equal(pod(j).securityContext?.runAsNonRoot, true);
    assert.equal(pod(j).securityContext?.seccompProfile?.type, "RuntimeDefault");
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext?.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"]);
    assert.ok(pod(j).volumes!.some((v) => v.name === "tmp" && v.emptyDir !== undefined));
    assert.ok(c.volumeMounts!.some((m) => m.mountPath === "/tmp"));
    assert.equal(pod(j).automountServiceAccountToken, false);
  });

  test("mounts the model claim read-write at the model path", () => {
    const j = job();
    assert.deepEqual(pod(j).volumes!.find((v) => v.name === "models")?.persistentVolumeClaim, {
      claimName: "reviews-models",
    });
    assert.equal(container(j).volumeMounts!.find((m) => m.name === "models")?.mountPath, "/models");
  });

  test("run policy comes from the spec", () => {
    const j = job(
      withSuspend(),
      withRunSpec({ backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 }),
    );
    assert.deepEqual(
      [j.spec?.backoffLimit, j.spec?.activeDeadlineSeconds, j.spec?.ttlSecondsAfterFinished, j.spec?.suspend],
      [3, 600, 3600, true],
    );
    assert.equal(pod(j).restartPolicy, "Never");
  });

  test("pod settings and image override the defaults", () => {
    const j = job(
      withRunSpec({
        image: "mine:2",
        serviceAccountName: "trainer",
        nodeSelector: { pool: "cpu" },
        tolerations: [{ key: "k", operator: "Exists" }],
        resources: { limits: { cpu: 2, memory: "3Gi" } },
      }),
    );
    assert.equal(container(j).image, "mine:2");
    assert.equal(pod(j).serviceAccountName, "trainer");
    assert.deepEqual(pod(j).nodeSelector, { pool: "cpu" });
    assert.deepEqual(pod(j).tolerations, [{ key: "k", operator: "Exists" }]);
    assert.deepEqual(container(j).resources, { limits: { cpu: "2", memory: "3Gi" } });
    assert.equal(container(job()).image, "trainer:1");
  });

  test("is owned by the run (controller) and labelled", () => {
    const j = job();
    assert.deepEqual(j.metadata?.ownerReferences, [
      {
        apiVersion: "sentiment.mlops.dev/v1alpha1",
        kind: "TrainingRun",
        name: "run-a",
        uid: "uid-run-a",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    assert.equal(j.metadata?.labels?.["app.kubernetes.io/managed-by"], "sentiment-operator");
    assert.equal(j.metadata?.labels?.["sentiment.mlops.dev/model"], "reviews");
    assert.equal(j.spec?.template.metadata?.labels?.["sentiment.mlops.dev/training-run"], "run-a");
  });

  test("is deterministic", () => assert.deepEqual(job(withEpochs(2)), job(withEpochs(2))));
});

describe("buildJob: MLflow tracking", () => {
  test("passes the tracking URI, experiment and run to the trainer, and credentials only by Secret reference", () => {
    const j = job(
      withRunSpec({
        tracking: {
          mlflow: {
            trackingUri: "http://mlflow:5000",
            experiment: "reviews",
            credentialsSecret: "mlflow-auth",
          },
        },
      }),
    );
    const c = container(j);
    assert.match(
      c.args?.join(" ") ?? "",
      / --tracking-uri http:\/\/mlflow:5000 --experiment reviews --training-run ml\/run-a --metrics-file /,
    );
    const env = c.env?.filter((e) => e.name.startsWith("MLFLOW_"));
    assert.deepEqual(
      env?.map((e) => [
        e.name,
        e.value,
        e.valueFrom?.secretKeyRef?.name,
        e.valueFrom?.secretKeyRef?.optional,
      ]),
      [
        ["MLFLOW_TRACKING_USERNAME", undefined, "mlflow-auth", true],
        ["MLFLOW_TRACKING_PASSWORD", undefined, "mlflow-auth", true],
        ["MLFLOW_TRACKING_TOKEN", undefined, "mlflow-auth", true],
      ],
    );
  });

  test("without spec.tracking, the operator's default tracking server (compose mode) is used", () => {
    const j = buildJob(
      trainingRun("run-a"),
      output,
      defaultOperatorConfig({ trainerImage: "trainer:1", mlflowTrackingUri: "http://127.0.0.1:5000" }),
    );
    assert.match(
      container(j).args?.join(" ") ?? "",
      / --tracking-uri http:\/\/127\.0\.0\.1:5000 --training-run ml\/run-a --metrics-file /,
    );
  });

  test("without spec.tracking: no tracking flags and no MLflow variables", () => {
    const c = container(job());
    assert.doesNotMatch(c.args?.join(" ") ?? "", /tracking|experiment|training-run/);
    assert.equal(
      c.env?.some((e) => e.name.startsWith("MLFLOW_")),
      false,
    );
  });
});
