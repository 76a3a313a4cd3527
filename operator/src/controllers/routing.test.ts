import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, OwnerReference } from "../api/kube-object.ts";
import { modelKeyOfRun, ownerKey, trainerPodOwnerKey } from "./routing.ts";

const child = (ownerReferences: OwnerReference[], labels: Record<string, string> = {}): KubeObject => ({
  metadata: { name: "c", namespace: "ns", ownerReferences, labels },
});
const ref = (kind: string, name: string, controller = true, apiVersion = "sentiment.mlops.dev/v1alpha1") => ({
  apiVersion,
  kind,
  name,
  uid: "u",
  controller,
});
const run = (name: string, model?: string, namespace = "ns"): KubeObject => ({
  metadata: { name, namespace },
  spec: model === undefined ? {} : { model },
});

describe("ownerKey", () => {
  const cases = [
    {
      name: "the controlling SentimentModel",
      obj: child([ref("SentimentModel", "m")]),
      kind: "SentimentModel",
      want: "ns/m",
    },
    {
      name: "a non-controller reference is ignored",
      obj: child([ref("SentimentModel", "m", false)]),
      kind: "SentimentModel",
      want: undefined,
    },
    {
      name: "another kind is ignored",
      obj: child([ref("TrainingRun", "r")]),
      kind: "SentimentModel",
      want: undefined,
    },
    {
      name: "same kind from another group is ignored",
      obj: child([ref("SentimentModel", "m", true, "other.io/v1")]),
      kind: "SentimentModel",
      want: undefined,
    },
    { name: "no references", obj: child([]), kind: "TrainingRun", want: undefined },
    {
      name: "a Job controlled by a run",
      obj: child([ref("TrainingRun", "r")]),
      kind: "TrainingRun",
      want: "ns/r",
    },
  ] as const;
  for (const c of cases) test(c.name, () => assert.equal(ownerKey(c.obj, c.kind), c.want));
});

describe("trainerPodOwnerKey", () => {
  test("reads the training-run label", () => {
    assert.equal(trainerPodOwnerKey(child([], { "sentiment.mlops.dev/training-run": "r1" })), "ns/r1");
  });
  test("ignores pods without it", () => assert.equal(trainerPodOwnerKey(child([])), undefined));
});

describe("run and model keys", () => {
  test("a run that names a model maps to it; an experiment maps to nothing", () => {
    assert.equal(modelKeyOfRun(run("r", "m")), "ns/m");
    assert.equal(modelKeyOfRun(run("r")), undefined);
  });
});
