/**
 * Faults and concurrency on the real control plane: an operator dying half-way through a
 * reconcile, a SIGKILL'd process, and two replicas electing one leader.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { waitUntil } from "#testenv/cluster.ts";
import { Resources } from "./k8s/resources.ts";
import type { KubeObject } from "./api/kube-object.ts";
import { metricsSummary, trainingRunManifest, withModel, withModelSpec } from "./testing/resources.ts";
import { metricValue, spawnOperator } from "./testing/child-operator.ts";
import {
  operatorAccess,
  phaseOf,
  reportTrainerMessage,
  startOperator,
  statusOf,
  useOperatorSuite,
} from "./testing/harness.ts";
import { createModel, waitServing } from "./testing/scenarios.ts";

const suite = useOperatorSuite();
const { cluster } = suite;

const jobsOf = (ns: string, run: string) =>
  suite.kube.list(Resources.job, ns, `sentiment.mlops.dev/training-run=${run}`);
const summary = (run: string, version: string) =>
  JSON.stringify(metricsSummary({ version, accuracy: 0.9, uri: `/models/m/${run}` }));

describe("faults and concurrency", () => {
  test("an operator killed between creating the Job and writing status restarts without a duplicate Job", async (t) => {
    const ns = await cluster.namespace(t);
    const access = await operatorAccess(cluster, suite.kube, t, ns);
    let dead = false;
    const doomed = await startOperator(t, access, ns, {
      requestHooks: {
        // From the moment the Job POST succeeded, this process makes no further request: it died.
        before: () => {
          if (dead) throw new Error("operator process is dead");
        },
        after: (r) => {
          if (r.verb === "create" && r.resource === "jobs" && r.code === 201) dead = true;
        },
      },
    });
    await createModel(suite.kube, t, ns, "m");
    await suite.kube.create(ns, trainingRunManifest("r1", withModel("m")));
    await waitUntil("the first operator to create the Job and die", () => dead);
    await doomed.stop();

    const [job] = await jobsOf(ns, "r1");
    assert.ok(job, "the Job was created before the crash");
    const orphaned = (await suite.kube.get(Resources.trainingRun, ns, "r1"))!;
    assert.equal(
      statusOf<{ jobName?: string }>(orphaned).jobName,
      undefined,
      "status was never written: the crash was mid-reconcile",
    );

    const restarted = await startOperator(t, access, ns);
    await suite.kube.waitFor(
      Resources.trainingRun,
      ns,
      "r1",
      "to record its Job",
      (r) => statusOf<{ jobName?: string }>(r).jobName === "r1",
    );
    await reportTrainerMessage(suite.kube, ns, "r1", summary("r1", "v1"));
    await suite.kube.waitFor(
      Resources.trainingRun,
      ns,
      "r1",
      "to be promoted",
      (r) => phaseOf(r) === "Promoted",
    );
    const jobs = await jobsOf(ns, "r1");
    assert.deepEqual(
      jobs.map((j) => j.metadata?.uid),
      [job.metadata?.uid],
      "still exactly the one Job",
    );
    assert.equal(
      restarted.stats.snapshot()["create jobs"] ?? 0,
      0,
      "the restarted operator found the Job in its cache",
    );
  });

  test("a SIGKILL'd operator process restarts and finishes the run with one Job", async (t) => {
    const ns = await cluster.namespace(t);
    const access = await operatorAccess(cluster, suite.kube, t, ns);
    const first = await spawnOperator(t, access.kubeconfigPath, ns, "first");
    await createModel(suite.kube, t, ns, "m");
    await suite.kube.create(ns, trainingRunManifest("r1", withModel("m")));
    // Killed mid-training: once its trainer pod runs (so everything the pod needs exists).
    await waitUntil("the trainer pod to run", async () =>
      (
        await suite.kube.list<KubeObject & { status?: { phase?: string } }>(
          Resources.pod,
          ns,
          "sentiment.mlops.dev/training-run=r1",
        )
      ).some((p) => p.status?.phase === "Running" || p.status?.phase === "Succeeded"),
    );
    first.proc.kill("SIGKILL");
    assert.equal(await first.exited, null, "killed by a signal");

    // The trainer finishes while no operator runs, and the restarted one must find its result.
    // (Reported after the restart, the new operator could read the completed KWOK pod before the
    // simulated trainer's message and fail the run as NoContainerRan, as it should for such pods.)
    await reportTrainerMessage(suite.kube, ns, "r1", summary("r1", "v1"));
    await spawnOperator(t, access.kubeconfigPath, ns, "second");
    await suite.kube.waitFor(
      Resources.trainingRun,
      ns,
      "r1",
      "to be promoted",
      (r) => phaseOf(r) === "Promoted",
    );
    await waitServing(suite.kube, ns, "m", "v1");
    assert.equal((await jobsOf(ns, "r1")).length, 1);
  });

  test("of two operator processes one leads; when it stops, the other takes over", async (t) => {
    const ns = await cluster.namespace(t);
    const access = await operatorAccess(cluster, suite.kube, t, ns, { leaderElection: true });
    const le = ["--leader-elect", "--leader-election-namespace", ns];
    const a = await spawnOperator(t, access.kubeconfigPath, ns, "replica-a", le);
    await waitUntil(
      "replica-a to lead",
      async () => JSON.parse((await a.get("/readyz")).body).role === "leader",
    );
    const b = await spawnOperator(t, access.kubeconfigPath, ns, "replica-b", le);
    await waitUntil("replica-b to campaign", async () => (await b.get("/readyz")).status === 200);

    const lease = async () =>
      (
        await suite.kube.get<KubeObject & { spec: { holderIdentity?: string } }>(
          Resources.lease,
          ns,
          "sentiment-operator-leader",
        )
      )?.spec.holderIdentity;
    assert.equal(await lease(), "replica-a");
    const standby = JSON.parse((await b.get("/readyz")).body) as { ready: boolean; role: string };
    assert.deepEqual(
      [standby.ready, standby.role],
      [true, "standby"],
      "a standby is ready (so rollouts proceed) and says it does not lead",
    );
    assert.equal(metricValue((await a.get("/metrics")).body, "sentiment_operator_leader"), 1);
    assert.equal(metricValue((await b.get("/metrics")).body, "sentiment_operator_leader"), 0);

    await createModel(suite.kube, t, ns, "one", withModelSpec({ artifactUri: "pvc://one-models/one/v1" }));
    await suite.kube.waitFor(
      Resources.sentimentModel,
      ns,
      "one",
      "to be Ready",
      (m) => phaseOf(m) === "Ready",
    );
    const standbyWrites = (await b.get("/metrics")).body
      .split("\n")
      .filter(
        (l) =>
          /^sentiment_operator_kube_requests_total\{verb="(create|update|patch|delete)"/.test(l) &&
          !l.includes('resource="leases"'),
      );
    assert.deepEqual(standbyWrites, [], "the standby wrote nothing but the lease");

    a.proc.kill("SIGTERM");
    assert.equal(await a.exited, 0, "a graceful stop");
    await waitUntil(
      "replica-b to take over",
      async () => JSON.parse((await b.get("/readyz")).body).role === "leader",
      { timeoutMs: 15_000 },
    );
    assert.equal(await lease(), "replica-b");
    await createModel(suite.kube, t, ns, "two", withModelSpec({ artifactUri: "pvc://two-models/two/v1" }));
    await suite.kube.waitFor(
      Resources.sentimentModel,
      ns,
      "two",
      "to be Ready under the new leader",
      (m) => phaseOf(m) === "Ready",
    );
  });
});
