import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { findCondition } from "../../api/conditions.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { TrainingRun } from "../../api/training-run.ts";
import { defaultOperatorConfig } from "../../config.ts";
import { statusChanged } from "../status-changed.ts";
import {
  sentimentModel,
  trainingRun,
  withApproval,
  withModel,
  withModelStatus,
  withPromotion,
  withRunSpec,
  withRunStatus,
  withSuspend,
  summaryMessage,
} from "../../testing/resources.ts";
import { at, jobActive, jobComplete, jobFailed, liveJob, trainerPod } from "../../testing/world.ts";
import { decideTrainingRun } from "./decide.ts";

const config = defaultOperatorConfig();
const world = (job?: V1Job, pods: V1Pod[] = [], model?: SentimentModel) => ({ job, pods, model });
const decide = (run: TrainingRun, job?: V1Job, pods: V1Pod[] = [], model?: SentimentModel, now = at(120)) =>
  decideTrainingRun(run, world(job, pods, model), now, config);
/** The run as the next reconcile sees it: with the status the last decision wrote. */
const after = (run: TrainingRun, d: ReturnType<typeof decide>): TrainingRun => ({ ...run, status: d.status });
const completed = (run: TrainingRun, message = summaryMessage()): [V1Job, V1Pod[]] => [
  liveJob(run, jobComplete()),
  [trainerPod(run, "Succeeded", message)],
];
const serving = (accuracy: number) =>
  sentimentModel("reviews", withModelStatus({ currentVersion: "v0", metrics: { accuracy, f1: accuracy } }));

describe("decideTrainingRun: the Job", () => {
  test("a new run creates its Job once", () => {
    const run = trainingRun("run-a");
    const d = decide(run);
    assert.equal(d.actions.length, 1);
    const a = d.actions[0];
    assert.equal(a?.verb === "apply" && a.object.kind, "Job");
    assert.equal(d.status.phase, "Pending");
    assert.equal(d.status.jobName, "run-a");
    assert.deepEqual(
      d.events.map((e) => e.reason),
      ["JobCreated"],
    );
    assert.equal(findCondition(d.status.conditions, "Trained")?.reason, "JobCreating");
  });

  test("a suspended run creates no Job", () => {
    const d = decide(trainingRun("run-a", withSuspend()));
    assert.deepEqual(d.actions, []);
    assert.equal(findCondition(d.status.conditions, "Trained")?.reason, "Suspended");
  });

  test("suspending a running run patches only spec.suspend", () => {
    const run = trainingRun("run-a");
    const d = decide(trainingRun("run-a", withSuspend()), liveJob(run, jobActive()));
    assert.deepEqual(d.actions, [
      {
        verb: "patch",
        reason: "suspend",
        ref: { apiVersion: "batch/v1", kind: "Job", namespace: "ml", name: "run-a" },
        patch: { spec: { suspend: true } },
      },
    ]);
  });

  test("an existing Job is never re-applied", () => {
    const run = trainingRun("run-a");
    assert.deepEqual(decide(run, liveJob(run, jobActive())).actions, []);
  });

  test("a Job of that name controlled by something else is a conflict, not touched", () => {
    const run = trainingRun("run-a");
    const foreign = liveJob(trainingRun("run-a"), (j) => (j.metadata!.ownerReferences = []));
    const d = decide(run, foreign);
    assert.deepEqual(d.actions, []);
    assert.equal(findCondition(d.status.conditions, "Trained")?.reason, "JobConflict");
  });
});

describe("decideTrainingRun: phases", () => {
  const run = trainingRun("run-a");
  const cases: {
    name: string;
    run?: TrainingRun;
    job: V1Job;
    pods?: V1Pod[];
    model?: SentimentModel;
    phase: string;
    reason: string;
    event?: string;
  }[] = [
    {
      name: "running",
      job: liveJob(run, jobActive()),
      phase: "Running",
      reason: "Training",
      event: "Training",
    },
    {
      name: "BackoffLimitExceeded → Failed",
      job: liveJob(run, jobFailed("BackoffLimitExceeded")),
      phase: "Failed",
      reason: "BackoffLimitExceeded",
      event: "BackoffLimitExceeded",
    },
    {
      name: "DeadlineExceeded → Failed",
      job: liveJob(run, jobFailed("DeadlineExceeded")),
      phase: "Failed",
      reason: "DeadlineExceeded",
      event: "DeadlineExceeded",
    },
    {
      name: "corrupt metrics → Failed MetricsInvalid",
      job: completed(run, "not json")[0],
      pods: [trainerPod(run, "Succeeded", "not json")],
      phase: "Failed",
      reason: "MetricsInvalid",
      event: "MetricsInvalid",
    },
    {
      name: "no artifact → Failed ArtifactMissing",
      job: completed(run)[0],
      pods: [trainerPod(run, "Succeeded", summaryMessage({ uri: "/tmp/elsewhere" }))],
      phase: "Failed",
      reason: "ArtifactMissing",
      event: "ArtifactMissing",
    },
    {
      name: "trained, nothing served, Auto → Promoted",
      job: completed(run)[0],
      pods: completed(run)[1],
      phase: "Promoted",
      reason: "Trained",
      event: "Promoted",
    },
    {
      name: "trained, worse than served → Rejected",
      job: completed(run)[0],
      pods: completed(run)[1],
      model: serving(0.95),
      phase: "Rejected",
      reason: "Trained",
      event: "Rejected",
    },
    {
      name: "trained, better than served → Promoted",
      job: completed(run)[0],
      pods: completed(run)[1],
      model: serving(0.9),
      phase: "Promoted",
      reason: "Trained",
      event: "Promoted",
    },
    {
      name: "an experiment (no model) → Succeeded",
      run: trainingRun("run-a", withModel(undefined), (d) => (d.spec.output = { claimName: "scratch" })),
      job: completed(run)[0],
      pods: [trainerPod(run, "Succeeded", summaryMessage({ uri: "/models/experiments/run-a" }))],
      phase: "Succeeded",
      reason: "Trained",
      event: "Trained",
    },
    {
      name: "Manual → AwaitingApproval",
      run: trainingRun("run-a", withPromotion({ policy: "Manual" })),
      job: completed(run)[0],
      pods: completed(run)[1],
      phase: "AwaitingApproval",
      reason: "Trained",
      event: "AwaitingApproval",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = decide(c.run ?? run, c.job, c.pods ?? [], c.model);
      assert.equal(d.status.phase, c.phase);
      assert.equal(findCondition(d.status.conditions, "Trained")?.reason, c.reason);
      assert.deepEqual(
        d.events.map((e) => e.reason),
        c.event === undefined ? [] : [c.event],
      );
      assert.deepEqual(d.actions, []);
    });
  }

  test("a failure is a Warning with the Job's message, and records completion", () => {
    const d = decide(run, liveJob(run, jobFailed("BackoffLimitExceeded")));
    assert.equal(d.events[0]?.type, "Warning");
    assert.equal(d.status.completionTime, "2025-01-02T03:01:00Z");
    assert.equal(findCondition(d.status.conditions, "Ready")?.status, "False");
  });

  test("a promotion records metrics, artifact, decision, and Ready", () => {
    const [job, pods] = completed(run);
    const d = decide(run, job, [...pods], undefined, at(120));
    assert.equal(d.status.metrics?.accuracy, 0.92);
    assert.equal(d.status.artifact?.uri, "pvc://reviews-models/reviews/run-a");
    assert.deepEqual(d.status.promotion, {
      decision: "Promoted",
      reason: "GatePassed",
      message: d.status.promotion?.message,
      time: "2025-01-02T03:02:00Z",
    });
    assert.equal(findCondition(d.status.conditions, "Promoted")?.status, "True");
    assert.equal(findCondition(d.status.conditions, "Ready")?.status, "True");
    assert.equal(d.status.attempts, 1);
    assert.equal(d.status.startTime, "2025-01-02T03:00:00Z");
  });

  test("a rejection names the failed check", () => {
    const [job, pods] = completed(run);
    const d = decide(trainingRun("run-a", withPromotion({ minAccuracy: 0.95 })), job, [...pods]);
    assert.deepEqual(
      [d.status.promotion?.decision, d.status.promotion?.reason],
      ["Rejected", "BelowMinAccuracy"],
    );
    assert.equal(findCondition(d.status.conditions, "Promoted")?.reason, "BelowMinAccuracy");
  });
});

describe("decideTrainingRun: metrics not yet observed", () => {
  const run = trainingRun("run-a");
  test("within the grace period: keep waiting and requeue", () => {
    const d = decide(run, liveJob(run, jobComplete(at(100))), [], undefined, at(110));
    assert.equal(d.status.phase, "Running");
    assert.equal(findCondition(d.status.conditions, "Trained")?.reason, "AwaitingMetrics");
    assert.equal(d.requeueAfterSeconds, 50);
  });
  test("a pod that exited 0 without a container ID (KWOK): Failed NoContainerRan at once, not blaming flags", () => {
    const d = decide(
      run,
      liveJob(run, jobComplete(at(100))),
      [trainerPod(run, "Succeeded")],
      undefined,
      at(101),
    );
    const trained = findCondition(d.status.conditions, "Trained");
    assert.equal(d.status.phase, "Failed");
    assert.equal(trained?.reason, "NoContainerRan");
    assert.doesNotMatch(trained?.message ?? "", /--metrics-file/);
  });
  test("a container that ran but left no message: the flag hint after the grace period", () => {
    const pod = trainerPod(run, "Succeeded");
    pod.status!.containerStatuses![0]!.containerID = "containerd://abc";
    const d = decide(run, liveJob(run, jobComplete(at(100))), [pod], undefined, at(161));
    assert.equal(findCondition(d.status.conditions, "Trained")?.reason, "MetricsMissing");
  });
  test("after it: Failed MetricsMissing", () => {
    const d = decide(run, liveJob(run, jobComplete(at(100))), [], undefined, at(161));
    assert.equal(findCondition(d.status.conditions, "Trained")?.reason, "MetricsMissing");
    assert.equal(d.status.phase, "Failed");
  });
});

describe("decideTrainingRun: recorded facts and steady state", () => {
  const run = trainingRun("run-a");
  const [job, pods] = completed(run);

  test("re-deciding an unchanged world changes nothing (zero writes)", () => {
    for (const [name, r, j, p] of [
      ["promoted", run, job, [...pods]],
      ["running", run, liveJob(run, jobActive()), []],
      ["failed", run, liveJob(run, jobFailed("DeadlineExceeded")), []],
    ] as const) {
      const first = decide(r, j, [...p]);
      const second = decide(after(r, first), j, [...p], undefined, at(600));
      assert.equal(statusChanged(first.status, second.status), false, name);
      assert.deepEqual(second.actions, [], name);
      assert.deepEqual(second.events, [], name);
    }
  });

  test("a finished run whose Job was deleted (ttlSecondsAfterFinished) keeps its status and makes no Job", () => {
    const first = decide(run, job, [...pods]);
    const later = decide(after(run, first), undefined, [], undefined, at(9999));
    assert.deepEqual(later.actions, []);
    assert.equal(statusChanged(first.status, later.status), false);
  });

  test("a promotion is not re-judged when the served model changes (it now serves this run)", () => {
    const first = decide(run, job, [...pods]);
    const later = decide(after(run, first), job, [...pods], serving(0.99));
    assert.equal(later.status.phase, "Promoted");
  });

  test("a failed run whose Job was deleted stays Failed with its reason", () => {
    const first = decide(run, liveJob(run, jobFailed("BackoffLimitExceeded")));
    const later = decide(after(run, first), undefined);
    assert.deepEqual(later.actions, []);
    assert.equal(later.status.phase, "Failed");
    assert.equal(findCondition(later.status.conditions, "Trained")?.reason, "BackoffLimitExceeded");
  });
});

describe("decideTrainingRun: Manual approval", () => {
  const manual = trainingRun("run-a", withPromotion({ policy: "Manual" }));
  const [job, pods] = completed(manual);
  const awaiting = after(manual, decide(manual, job, [...pods]));
  const cases: { name: string; annotation?: string; phase: string; reason: string }[] = [
    { name: "no answer keeps waiting", phase: "AwaitingApproval", reason: "AwaitingApproval" },
    {
      name: "an unknown value is ignored",
      annotation: "yes",
      phase: "AwaitingApproval",
      reason: "AwaitingApproval",
    },
    { name: "true promotes", annotation: "true", phase: "Promoted", reason: "Approved" },
    { name: "false rejects", annotation: "false", phase: "Rejected", reason: "ApprovalDenied" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r: TrainingRun =
        c.annotation === undefined
          ? awaiting
          : {
              ...awaiting,
              metadata: {
                ...awaiting.metadata,
                annotations: trainingRun("x", withApproval(c.annotation)).metadata.annotations ?? {},
              },
            };
      const d = decide(r, job, [...pods], undefined, at(999));
      assert.equal(d.status.phase, c.phase);
      assert.equal(findCondition(d.status.conditions, "Promoted")?.reason, c.reason);
      if (c.phase === "AwaitingApproval") assert.equal(statusChanged(awaiting.status, d.status), false);
    });
  }

  test("the run stays Promoted after approval even if the Job is gone", () => {
    const approved = {
      ...awaiting,
      metadata: { ...awaiting.metadata, annotations: { "sentiment.mlops.dev/approve": "true" } },
    };
    const d1 = decide(approved, job, [...pods], undefined, at(999));
    const d2 = decide(after(approved, d1), undefined, [], undefined, at(2000));
    assert.equal(d2.status.phase, "Promoted");
    assert.equal(statusChanged(d1.status, d2.status), false);
  });
});

describe("decideTrainingRun: status bookkeeping", () => {
  test("observedGeneration follows metadata.generation", () => {
    const run = trainingRun("run-a", (d) => (d.metadata.generation = 4));
    assert.equal(decide(run).status.observedGeneration, 4);
  });
  test("a run with recorded status keeps startTime when the Job is gone", () => {
    const run = trainingRun("run-a", withRunStatus({ phase: "Pending", startTime: "2025-01-01T00:00:00Z" }));
    assert.equal(decide(run).status.startTime, "2025-01-01T00:00:00Z");
  });
});

describe("decideTrainingRun: MLflow tracking", () => {
  const tracked = trainingRun(
    "run-a",
    withRunSpec({ tracking: { mlflow: { trackingUri: "http://mlflow:5000" } } }),
  );
  const url = "http://mlflow:5000/#/experiments/1/runs/abc";
  const ok = {
    status: "Tracked" as const,
    runId: "abc",
    experimentId: "1",
    url,
    modelUri: "runs:/abc/model",
  };
  const failed = {
    status: "Failed" as const,
    runId: "abc",
    message: "logging an epoch: MLflow at http://mlflow:5000 did not answer",
  };
  const cases: {
    name: string;
    run: TrainingRun;
    job?: V1Job;
    pods?: V1Pod[];
    condition?: [string, string, RegExp];
    status?: unknown;
  }[] = [
    {
      name: "no spec.tracking: no condition",
      run: trainingRun("run-a"),
      ...jobAndPods(trainingRun("run-a"), summaryMessage()),
    },
    {
      name: "training: Unknown",
      run: tracked,
      job: liveJob(tracked, jobActive()),
      condition: ["Unknown", "Training", /reports/],
    },
    {
      name: "tracked: True with the run's URL, and the report in status",
      run: tracked,
      ...jobAndPods(tracked, summaryMessage({ tracking: { mlflow: ok } })),
      condition: ["True", "Tracked", new RegExp(url.replace(/[#/.]/g, "\\$&"))],
      status: ok,
    },
    {
      name: "tracking failed: False with the trainer's reason; the run still succeeds",
      run: tracked,
      ...jobAndPods(tracked, summaryMessage({ tracking: { mlflow: failed } })),
      condition: ["False", "TrackingFailed", /did not answer/],
      status: failed,
    },
    {
      name: "no report from the trainer: Unknown NotReported",
      run: tracked,
      ...jobAndPods(tracked, summaryMessage()),
      condition: ["Unknown", "NotReported", /older trainer/],
    },
    {
      name: "failed run: Unknown RunFailed",
      run: tracked,
      job: liveJob(tracked, jobFailed("BackoffLimitExceeded")),
      condition: ["Unknown", "RunFailed", /FAILED/],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = decide(c.run, c.job, c.pods ?? []);
      const cond = findCondition(d.status.conditions, "Tracked");
      if (c.condition === undefined) assert.equal(cond, undefined);
      else {
        assert.deepEqual([cond?.status, cond?.reason], c.condition.slice(0, 2));
        assert.match(cond?.message ?? "", c.condition[2]);
      }
      assert.deepEqual(d.status.tracking?.mlflow, c.status);
      if (c.status !== undefined) {
        assert.equal(
          findCondition(d.status.conditions, "Ready")?.status,
          "True",
          "tracking never holds Ready back",
        );
        // Kept once the run is finished (the Job may be gone).
        const again = decideTrainingRun(after(c.run, d), world(undefined, []), at(500), config);
        assert.deepEqual(again.status.tracking, d.status.tracking);
      }
    });
  }
});

function jobAndPods(run: TrainingRun, message: string): { job: V1Job; pods: V1Pod[] } {
  const [job, pods] = completed(run, message);
  return { job, pods };
}
