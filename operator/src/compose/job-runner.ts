import type { V1Job, V1JobCondition, V1Pod } from "@kubernetes/client-node";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../../../common/log.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { Resources } from "../k8s/resources.ts";
import { containerEnv, podMounts, toContainer, toHost } from "./container.ts";
import { entrypoint, stopGroup, type ProcessTable } from "./processes.ts";
import { storeObject } from "./local-port.ts";
import type { StateStore } from "./store.ts";

const JOBS = Resources.job.plural;
const PODS = Resources.pod.plural;
const MESSAGE_MAX = 4096;
/** Reasons of attempts that were stopped from outside: they do not count against backoffLimit. */
const NOT_COUNTED = new Set(["Interrupted", "Suspended"]);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

interface Running {
  readonly pod: string;
  readonly child: ChildProcess;
  stopping?: string;
}

/**
 * The local Job controller and kubelet: a Job is realized as `sentiment-train` child processes,
 * one pod (attempt) at a time, `restartPolicy: Never`:
 * - each attempt is a Pod object in the store (labels and owner from the template) whose status
 *   the core reads exactly as from Kubernetes: phase, and the trainer container's `terminated`
 *   state with exit code and termination message (the `--metrics-file`, else the log's tail:
 *   `FallbackToLogsOnError`);
 * - `backoffLimit` (failed attempts allowed), `activeDeadlineSeconds` (DeadlineExceeded) and
 *   `suspend` (stops the trainer; resuming starts a new attempt) are honoured;
 * - the Job's status (active/succeeded/failed, startTime, Complete/Failed conditions) is written
 *   as the Job controller would. The Failed message adds the last line of the trainer's log.
 * An attempt found Running with no process (an `up` killed with -9) is marked Interrupted and
 * restarted once; it does not count as a failure.
 */
export class JobRunner {
  readonly #store: StateStore;
  readonly #procs: ProcessTable;
  readonly #logger: Logger | undefined;
  readonly #running = new Map<string, Running>();
  readonly #env: NodeJS.ProcessEnv;
  #stopped = false;

  constructor(store: StateStore, procs: ProcessTable, env: NodeJS.ProcessEnv, logger?: Logger) {
    this.#store = store;
    this.#procs = procs;
    this.#env = env;
    this.#logger = logger;
  }

  /** Brings every Job one step closer to its spec (idempotent; call on any change and periodically). */
  sync(): void {
    if (this.#stopped) return;
    const jobs = this.#store.list(JOBS) as unknown as V1Job[];
    for (const job of jobs) this.#syncJob(job);
    // A Job that is gone (its TrainingRun deleted): its trainer is stopped, as the kubelet stops
    // the pods the garbage collector deleted.
    const live = new Set(jobs.map((j) => `${j.metadata?.namespace ?? "default"}/${j.metadata?.name}`));
    for (const [key, r] of this.#running)
      if (!live.has(key) && r.stopping === undefined) {
        r.stopping = "Deleted";
        if (r.child.pid !== undefined) void stopGroup(r.child.pid, 5000);
      }
  }

  /** Stops every trainer this runner started (their attempts are marked Interrupted). */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(
      [...this.#running.values()].map(async (r) => {
        r.stopping = "Interrupted";
        if (r.child.pid !== undefined) await stopGroup(r.child.pid, 5000);
      }),
    );
  }

  logFile(namespace: string, pod: string): string {
    return this.#store.path("logs", namespace, `${pod}.log`);
  }

  #podsOf(job: V1Job): V1Pod[] {
    const uid = job.metadata?.uid;
    return (this.#store.list(PODS, job.metadata?.namespace) as unknown as V1Pod[])
      .filter((p) => p.metadata?.ownerReferences?.some((r) => r.uid === uid))
      .sort((a, b) =>
        (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "", "en", { numeric: true }),
      );
  }

  #syncJob(job: V1Job): void {
    const ns = job.metadata?.namespace ?? "default";
    const name = job.metadata?.name ?? "";
    const key = `${ns}/${name}`;
    const status = job.status ?? {};
    if (status.conditions?.some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True"))
      return;
    const now = Date.now();
    const running = this.#running.get(key);
    let pods = this.#podsOf(job);
    // Attempts left Running or Pending by an earlier `up`: their process is gone (reaped on start).
    for (const p of pods)
      if (
        (p.status?.phase === "Running" || p.status?.phase === "Pending") &&
        running?.pod !== p.metadata?.name
      )
        this.#finishPod(ns, p, {
          exitCode: 137,
          reason: "Interrupted",
          message: "compose up stopped during this attempt",
        });
    pods = this.#podsOf(job);
    const counted = pods.filter(
      (p) => p.status?.phase === "Failed" && !NOT_COUNTED.has(p.status?.reason ?? ""),
    );
    const succeeded = pods.filter((p) => p.status?.phase === "Succeeded");
    const spec = job.spec ?? { template: {} };
    const startTime = status.startTime === undefined ? undefined : new Date(status.startTime).getTime();
    const conditions: V1JobCondition[] = [];
    const cond = (type: string, reason: string, message: string): V1JobCondition =>
      ({ type, status: "True", reason, message, lastTransitionTime: iso(now) }) as unknown as V1JobCondition;

    if (succeeded.length > 0) {
      conditions.push(cond("Complete", "Completed", "the trainer exited 0"));
    } else if (counted.length > (spec.backoffLimit ?? 6)) {
      const last = counted[counted.length - 1]!;
      const why = lastLine(last.status?.containerStatuses?.[0]?.state?.terminated?.message ?? "");
      conditions.push(
        cond(
          "Failed",
          "BackoffLimitExceeded",
          `Job has reached the specified backoff limit${why ? `: ${why}` : ""}`,
        ),
      );
    } else if (
      spec.activeDeadlineSeconds !== undefined &&
      startTime !== undefined &&
      now - startTime > spec.activeDeadlineSeconds * 1000
    ) {
      conditions.push(cond("Failed", "DeadlineExceeded", "Job was active longer than specified deadline"));
    }
    const finished = conditions.length > 0;
    if ((finished || spec.suspend === true) && running !== undefined && running.stopping === undefined) {
      running.stopping = finished ? "DeadlineExceeded" : "Suspended";
      if (running.child.pid !== undefined) void stopGroup(running.child.pid, 5000);
    }
    let active = running !== undefined ? 1 : 0;
    let started = startTime;
    if (!finished && spec.suspend !== true && running === undefined) {
      this.#start(job, pods.length);
      active = 1;
      started ??= now;
    }
    const newStatus = {
      ...(started === undefined ? {} : { startTime: iso(started) }),
      active,
      ready: active,
      succeeded: succeeded.length,
      failed: pods.filter((p) => p.status?.phase === "Failed").length,
      ...(conditions.length === 0 ? {} : { conditions }),
      ...(succeeded.length > 0
        ? { completionTime: succeeded[0]!.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt }
        : {}),
    };
    if (JSON.stringify(newStatus) !== JSON.stringify(job.status ?? {}))
      this.#store.writeStatus(JOBS, ns, name, newStatus);
  }

  #start(job: V1Job, attempt: number): void {
    const ns = job.metadata?.namespace ?? "default";
    const jobName = job.metadata?.name ?? "";
    const podName = `${jobName}-${attempt}`;
    const template = job.spec?.template ?? {};
    const podSpec = template.spec ?? { containers: [] };
    const container = podSpec.containers[0]!;
    const podDir = this.#store.path("pods", ns, podName);
    rmSync(podDir, { recursive: true, force: true });
    const mounts = podMounts(podSpec, container, this.#store.dir, podDir);
    for (const [, host] of mounts.pairs) mkdirSync(host, { recursive: true });
    const terminationPath = container.terminationMessagePath ?? "/dev/termination-log";
    const terminationFile = join(podDir, "termination-log");
    const args = (container.args ?? []).map((a) =>
      a === terminationPath ? terminationFile : toHost(mounts, a),
    );
    const logFile = this.logFile(ns, podName);
    rmSync(logFile, { force: true });
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: podName,
        namespace: ns,
        labels: { ...template.metadata?.labels, "job-name": jobName },
        ownerReferences: [
          {
            apiVersion: "batch/v1",
            kind: "Job",
            name: jobName,
            uid: job.metadata?.uid ?? "",
            controller: true,
          },
        ],
      },
      spec: podSpec,
    };
    const startedAt = iso(Date.now());
    storeObject(this.#store, pod, new Date());
    this.#store.writeStatus(PODS, ns, podName, {
      phase: "Running",
      startTime: startedAt,
      containerStatuses: [{ name: container.name, ready: true, state: { running: { startedAt } } }],
    });
    const child = this.#procs.spawn(`pod-${ns}-${podName}`, entrypoint(args), {
      env: containerEnv(mounts, container, this.#env),
      logFile,
    });
    const key = `${ns}/${jobName}`;
    const entry: Running = { pod: podName, child };
    this.#running.set(key, entry);
    this.#logger?.info("Started trainer", { job: key, pod: podName, pid: child.pid, log: logFile });
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      this.#running.delete(key);
      const exitCode = code ?? 128 + (signal === "SIGKILL" ? 9 : 15);
      let message = "";
      try {
        message = readFileSync(terminationFile, "utf8");
      } catch {
        // no metrics summary
      }
      if (message.trim() === "" && exitCode !== 0) message = logTail(logFile);
      const live = this.#store.get(PODS, ns, podName) as V1Pod | undefined;
      if (live !== undefined)
        this.#finishPod(ns, live, {
          exitCode,
          reason: entry.stopping ?? (exitCode === 0 ? "Completed" : "Error"),
          message: toContainer(mounts, message).slice(0, MESSAGE_MAX),
        });
      this.#logger?.info("Trainer exited", { job: key, pod: podName, exitCode, reason: entry.stopping });
      this.sync();
    };
    child.once("exit", done);
    child.once("error", (e) => {
      this.#logger?.error("Failed to start trainer", { job: key, error: e.message });
    });
  }

  #finishPod(ns: string, pod: V1Pod, t: { exitCode: number; reason: string; message: string }): void {
    const name = pod.metadata?.name ?? "";
    const startedAt = pod.status?.startTime as unknown as string | undefined;
    const phase = t.exitCode === 0 ? "Succeeded" : "Failed";
    this.#store.writeStatus(PODS, ns, name, {
      phase,
      ...(phase === "Failed" ? { reason: t.reason } : {}),
      ...(startedAt === undefined ? {} : { startTime: startedAt }),
      containerStatuses: [
        {
          name: pod.spec?.containers?.[0]?.name ?? "trainer",
          ready: false,
          state: {
            terminated: {
              exitCode: t.exitCode,
              reason: t.reason,
              ...(t.message === "" ? {} : { message: t.message }),
              ...(startedAt === undefined ? {} : { startedAt }),
              finishedAt: iso(Date.now()),
            },
          },
        },
      ],
    });
  }
}

/** The last lines of a log, at most 4 KiB (what FallbackToLogsOnError keeps). */
function logTail(file: string): string {
  try {
    const text = readFileSync(file, "utf8");
    return text.split("\n").slice(-80).join("\n").slice(-MESSAGE_MAX).trim();
  } catch {
    return "";
  }
}

/** The last meaningful line: for a JSON log line, its message (and error). */
export function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  const line = lines[lines.length - 1] ?? "";
  try {
    const j = JSON.parse(line) as { message?: string; error?: string };
    if (typeof j.message === "string") return j.error ? `${j.message}: ${j.error}` : j.message;
  } catch {
    // plain text
  }
  return line.slice(0, 300);
}
