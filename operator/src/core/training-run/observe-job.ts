import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { TRAINER_CONTAINER } from "../../api/names.ts";

/** What the Job and its pods say, reduced to what the decision needs (pulumi-kubernetes' job check). */
export type JobState =
  | { readonly state: "Absent" }
  | { readonly state: "Suspended" }
  | {
      readonly state: "Pending";
      /** Why the trainer container cannot start (ErrImagePull, ImagePullBackOff, ...), from the kubelet. */
      readonly waiting?: { readonly reason: string; readonly message: string } | undefined;
    }
  | { readonly state: "Running" }
  | {
      readonly state: "Succeeded";
      readonly completionTime: Date | undefined;
      readonly message: string | undefined;
      /**
       * False when the trainer's pods report container statuses but none names a container ID:
       * no container ran (a simulated node such as KWOK reports exit 0 without running one).
       * Undefined when no trainer status is observed.
       */
      readonly containerRan: boolean | undefined;
    }
  | {
      readonly state: "Failed";
      readonly reason: string;
      readonly message: string;
      readonly time: Date | undefined;
    };

export interface JobObservation {
  readonly job: JobState;
  readonly startTime: Date | undefined;
  /** Training pods started: failed + succeeded + active. */
  readonly attempts: number;
}

export const toDate = (t: Date | string | undefined): Date | undefined =>
  t === undefined ? undefined : t instanceof Date ? t : new Date(t);

const condition = (job: V1Job, type: string) =>
  job.status?.conditions?.find((c) => c.type === type && c.status === "True");

/** The trainer's termination message from the newest pod whose trainer container exited 0. */
export function successMessage(pods: readonly V1Pod[]): string | undefined {
  const finished = pods
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .filter((s) => s.name === TRAINER_CONTAINER && s.state?.terminated?.exitCode === 0)
    .map((s) => s.state?.terminated)
    .sort((a, b) => (toDate(b?.finishedAt)?.getTime() ?? 0) - (toDate(a?.finishedAt)?.getTime() ?? 0));
  return finished[0]?.message;
}

/** Waiting reasons that mean the trainer will not start by itself (image or pod configuration). */
const STUCK_REASONS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "CreateContainerConfigError",
  "CreateContainerError",
]);

/** The kubelet's reason a trainer container is stuck waiting, if any. */
export function trainerStuck(pods: readonly V1Pod[]): { reason: string; message: string } | undefined {
  for (const s of pods.flatMap((p) => p.status?.containerStatuses ?? [])) {
    const w = s.state?.waiting;
    if (s.name === TRAINER_CONTAINER && w?.reason && STUCK_REASONS.has(w.reason))
      return { reason: w.reason, message: w.message ?? w.reason };
  }
  return undefined;
}

/** How the newest failed trainer container ended (OOMKilled, exit code), for a failed Job's message. */
export function trainerFailure(pods: readonly V1Pod[]): string | undefined {
  const ended = pods
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .filter((s) => s.name === TRAINER_CONTAINER)
    .map((s) => s.state?.terminated ?? s.lastState?.terminated)
    .filter((t) => t !== undefined && t.exitCode !== 0)
    .sort((a, b) => (toDate(b?.finishedAt)?.getTime() ?? 0) - (toDate(a?.finishedAt)?.getTime() ?? 0));
  const t = ended[0];
  if (t === undefined) return undefined;
  if (t.reason === "OOMKilled")
    return `the trainer was OOMKilled (exit ${t.exitCode}): raise spec.resources.limits.memory`;
  return `the trainer exited with ${t.exitCode}${t.reason ? ` (${t.reason})` : ""}: see its pod's logs`;
}

/** Whether any trainer container of the pods really ran (a runtime gave it a container ID). */
export function trainerContainerRan(pods: readonly V1Pod[]): boolean | undefined {
  const statuses = pods
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .filter((s) => s.name === TRAINER_CONTAINER);
  if (statuses.length === 0) return undefined;
  return statuses.some((s) => Boolean(s.containerID || s.state?.terminated?.containerID));
}

/**
 * Reads a Job:
 * - `Complete=True` → Succeeded (with the trainer's termination message);
 * - `Failed=True` → Failed, terminal, with the Job's reason (BackoffLimitExceeded, DeadlineExceeded, ...);
 *   `FailureTarget` / `SuccessCriteriaMet` alone are not final yet;
 * - suspended → Suspended; a pod that has started (Running, or already finished while the Job has
 *   not concluded) → Running; otherwise Pending.
 */
export function observeJob(job: V1Job | undefined, pods: readonly V1Pod[]): JobObservation {
  if (job === undefined) return { job: { state: "Absent" }, startTime: undefined, attempts: 0 };
  const s = job.status ?? {};
  const base = {
    startTime: toDate(s.startTime),
    attempts: (s.failed ?? 0) + (s.succeeded ?? 0) + (s.active ?? 0),
  };
  const failed = condition(job, "Failed");
  if (failed !== undefined) {
    const reason = failed.reason ?? "JobFailed";
    const why = trainerFailure(pods);
    const message = failed.message ?? `the Job failed (${reason})`;
    return {
      ...base,
      job: {
        state: "Failed",
        reason: why?.startsWith("the trainer was OOMKilled") ? "OOMKilled" : reason,
        message: why ? `${message}; ${why}` : message,
        time: toDate(failed.lastTransitionTime),
      },
    };
  }
  if (condition(job, "Complete") !== undefined) {
    return {
      ...base,
      job: {
        state: "Succeeded",
        completionTime: toDate(s.completionTime),
        message: successMessage(pods),
        containerRan: trainerContainerRan(pods),
      },
    };
  }
  if (job.spec?.suspend === true && (s.active ?? 0) === 0) return { ...base, job: { state: "Suspended" } };
  // Once a pod has run, the run stays Running until the Job concludes: the pod turns Succeeded a
  // moment before the Job controller records Complete, and phase must not flap back to Pending.
  const started = (phase: string | undefined) =>
    phase === "Running" || phase === "Succeeded" || phase === "Failed";
  const running =
    (s.ready ?? 0) > 0 ||
    (s.succeeded ?? 0) > 0 ||
    (s.failed ?? 0) > 0 ||
    pods.some((p) => started(p.status?.phase));
  if (running) return { ...base, job: { state: "Running" } };
  return { ...base, job: { state: "Pending", waiting: trainerStuck(pods) } };
}
