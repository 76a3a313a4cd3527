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
