import { createHash } from "node:crypto";
import { GROUP } from "./group.ts";

/**
 * Naming in ONE place: DNS-label rules, the names of every child object, the labels the operator
 * sets and selects on, and the layout of the model PVC shared by TrainingRun Jobs (which write)
 * and SentimentModel Deployments (which read).
 */

export const DNS_LABEL_MAX = 63;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const isDnsLabel = (s: string): boolean => s.length <= DNS_LABEL_MAX && DNS_LABEL.test(s);

const shortHash = (s: string): string => createHash("sha256").update(s).digest("hex").slice(0, 8);

/**
 * `<base>-<suffix>` when it fits in `max` characters; otherwise the base is cut and a hash of the
 * full name keeps it unique and stable (`a-very-long-na-1a2b3c4d-models`).
 */
export function childName(base: string, suffix: string, max = DNS_LABEL_MAX): string {
  const full = suffix === "" ? base : `${base}-${suffix}`;
  if (full.length <= max) return full;
  const tail = `-${shortHash(full)}${suffix === "" ? "" : `-${suffix}`}`;
  return `${base.slice(0, max - tail.length).replace(/[-.]+$/, "")}${tail}`;
}

/** The Job of a TrainingRun. Max 57 so `<job>-xxxxx` pod names and the job-name label fit. */
export const jobName = (run: string): string => childName(run, "", 57);
/** Deployment, Service, HPA, PDB, NetworkPolicy and ServiceMonitor share the model's name. */
export const serverName = (model: string): string => model;
/** The model PVC (unless spec.storage.claimName names an existing one). */
export const modelPvcName = (model: string): string => childName(model, "models");

/** The container names the operator reads termination messages from. */
export const TRAINER_CONTAINER = "trainer";
export const SERVER_CONTAINER = "server";
export const SERVER_PORT_NAME = "http";

export const LABELS = {
  name: "app.kubernetes.io/name",
  instance: "app.kubernetes.io/instance",
  version: "app.kubernetes.io/version",
  component: "app.kubernetes.io/component",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
  model: `${GROUP}/model`,
  trainingRun: `${GROUP}/training-run`,
} as const;

export const MANAGED_BY = "sentiment-operator";
export const PART_OF = "sentiment-mlops";

/** The annotation holding the hash of the desired object the operator last applied (see core/diff.ts). */
export const DESIRED_HASH_ANNOTATION = `${GROUP}/desired-hash`;
/** Pod template annotation naming the served version; a new version changes the template and rolls out. */
export const MODEL_VERSION_ANNOTATION = `${GROUP}/model-version`;

/** Immutable selector of a model's server pods (never includes the version). */
export const serverSelector = (model: string): Record<string, string> => ({
  [LABELS.name]: "sentiment-server",
  [LABELS.instance]: model,
});

/** Selector of a TrainingRun's pods, beside the Job's own `job-name`. */
export const trainerSelector = (run: string): Record<string, string> => ({
  [LABELS.name]: "sentiment-trainer",
  [LABELS.instance]: run,
});

/** `a=1,b=2` with sorted keys: the `status.selector` string of the scale subresource. */
export const selectorString = (labels: Record<string, string>): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");

/** A label value from any string: invalid characters become `-`, trimmed to 63. */
export function labelValue(s: string): string {
  const v = s.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, DNS_LABEL_MAX);
  return v.replace(/^[^A-Za-z0-9]+/, "").replace(/[^A-Za-z0-9]+$/, "");
}

/** Artifact URIs are `pvc://<claim>/<path inside the claim>`. */
export const artifactUri = (claim: string, path: string): string =>
  `pvc://${claim}/${path.replace(/^\/+/, "")}`;

export function parseArtifactUri(uri: string): { claim: string; path: string } | undefined {
  const m = /^pvc:\/\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/(.+)$/.exec(uri);
  if (m === null || m[1] === undefined || m[3] === undefined) return undefined;
  if (m[3].split("/").includes("..")) return undefined;
  return { claim: m[1], path: m[3].replace(/\/+$/, "") };
}

/** Default artifact directory inside the claim: `<model>/<run>`, or `experiments/<run>` without a model. */
export const defaultOutputPath = (model: string | undefined, run: string): string =>
  `${model ?? "experiments"}/${run}`;

/** Version string recorded for an external artifact URI (a label value, stable per URI). */
export const externalVersion = (uri: string): string => `external-${shortHash(uri)}`;
