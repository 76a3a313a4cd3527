import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { trainingRun, withSuspend, summaryMessage } from "../../testing/resources.ts";
import { jobActive, jobComplete, jobFailed, liveJob, trainerPod } from "../../testing/world.ts";
import { observeJob } from "./observe-job.ts";

const run = trainingRun("run-a");

describe("observeJob", () => {
  const cases: {
    name: string;
    job: ReturnType<typeof liveJob> | undefined;
    pods?: ReturnType<typeof trainerPod>[];
    state: string;
    attempts: number;
  }[] = [
    { name: "no Job", job: undefined, state: "Absent", attempts: 0 },
    { name: "created, pod not yet running", job: liveJob(run), state: "Pending", attempts: 0 },
    { name: "suspended", job: liveJob(trainingRun("run-a", withSuspend())), state: "Suspended", attempts: 0 },
    { name: "ready pod", job: liveJob(run, jobActive()), state: "Running", attempts: 1 },
    {
      name: "active but the pod is pulling its image",
      job: liveJob(run, jobActive(0)),
      pods: [trainerPod(run, "Pending")],
      state: "Pending",
      attempts: 1,
    },
    {
      name: "pod Succeeded before the Job records Complete stays Running",
      job: liveJob(run, jobActive(0)),
      pods: [trainerPod(run, "Succeeded", summaryMessage())],
      state: "Running",
      attempts: 1,
    },
    {
      name: "Complete",
      job: liveJob(run, jobComplete()),
      pods: [trainerPod(run, "Succeeded", summaryMessage())],
      state: "Succeeded",
      attempts: 1,
    },
    {
      name: "BackoffLimitExceeded is terminal",
      job: liveJob(run, jobFailed("BackoffLimitExceeded")),
      state: "Failed",
      attempts: 2,
    },
    {
      name: "DeadlineExceeded is terminal",
      job: liveJob(run, jobFailed("DeadlineExceeded", 1)),
      state: "Failed",
      attempts: 1,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = observeJob(c.job, c.pods ?? []);
      assert.equal(got.job.state, c.state);
      assert.equal(got.attempts, c.attempts);
    });
  }

  test("Succeeded carries the termination message of the pod that exited 0", () => {
    const got = observeJob(liveJob(run, jobComplete()), [
      trainerPod(run, "Failed", "boom", 1),
      trainerPod(run, "Succeeded", summaryMessage()),
    ]);
    assert.equal(got.job.state === "Succeeded" && got.job.message, summaryMessage());
  });

  test("Failed carries the Job's reason and message", () => {
    const got = observeJob(liveJob(run, jobFailed("DeadlineExceeded")), []);
    assert.equal(got.job.state === "Failed" && got.job.reason, "DeadlineExceeded");
    assert.match(got.job.state === "Failed" ? got.job.message : "", /DeadlineExceeded/);
  });
});

describe("observeJob: what the kubelet says about the trainer", () => {
  const withStatus = (pod: ReturnType<typeof trainerPod>, status: object) => {
    pod.status = {
      ...pod.status,
      containerStatuses: [
        { name: "trainer", image: "x", imageID: "", ready: false, restartCount: 0, ...status },
      ],
    };
    return pod;
  };
  test("an image that cannot be pulled: Pending with the kubelet's reason and message", () => {
    const pod = withStatus(trainerPod(run, "Pending"), {
      state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "nope:1"' } },
    });
    const got = observeJob(liveJob(run, jobActive(0)), [pod]).job;
    assert.deepEqual(got, {
      state: "Pending",
      waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "nope:1"' },
    });
  });
  test("a container still being created is not stuck", () => {
    const pod = withStatus(trainerPod(run, "Pending"), {
      state: { waiting: { reason: "ContainerCreating" } },
    });
    assert.deepEqual(observeJob(liveJob(run, jobActive(0)), [pod]).job, {
      state: "Pending",
      waiting: undefined,
    });
  });
  test("an OOMKilled trainer: the Job's failure says so and what to raise", () => {
    const pod = withStatus(trainerPod(run, "Failed"), {
      state: { terminated: { exitCode: 137, reason: "OOMKilled" } },
    });
    const got = observeJob(liveJob(run, jobFailed("BackoffLimitExceeded")), [pod]).job;
    assert.equal(got.state, "Failed");
    if (got.state !== "Failed") return;
    assert.equal(got.reason, "OOMKilled");
    assert.match(got.message, /OOMKilled \(exit 137\): raise spec\.resources\.limits\.memory/);
  });
  test("a trainer that exited non-zero: the exit code, and where to look", () => {
    const pod = withStatus(trainerPod(run, "Failed"), {
      state: { terminated: { exitCode: 2, reason: "Error" } },
    });
    const got = observeJob(liveJob(run, jobFailed("BackoffLimitExceeded")), [pod]).job;
    assert.equal(got.state === "Failed" && got.reason, "BackoffLimitExceeded");
    assert.match(got.state === "Failed" ? got.message : "", /exited with 2 \(Error\): see its pod's logs/);
  });
});
