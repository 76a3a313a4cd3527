import type { V1Deployment, V1DeploymentCondition } from "@kubernetes/client-node";
import type { ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { Logger } from "../../../common/log.ts";
import { Resources } from "../k8s/resources.ts";
import { containerEnv, podMounts } from "./container.ts";
import { entrypoint, stopGroup, type ProcessTable } from "./processes.ts";
import type { StateStore } from "./store.ts";

const DEPLOYMENTS = Resources.deployment.plural;

/** A Kubernetes-like crash-loop backoff: 10 s doubling up to 5 minutes. */
export const restartDelayMs = (restarts: number): number =>
  Math.min(10_000 * 2 ** Math.max(0, restarts - 1), 300_000);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export interface Replica {
  readonly id: string;
  readonly hash: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly logFile: string;
  port: number;
  child: ChildProcess | undefined;
  ready: boolean;
  terminating: boolean;
  restarts: number;
  nextStartAt: number;
  probing: boolean;
}

interface DeploymentState {
  readonly namespace: string;
  readonly name: string;
  replicas: Replica[];
  seq: number;
  lastProgress: number;
}

/** A free TCP port on 127.0.0.1 (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The local Deployment controller and kubelet: each replica is a `sentiment-serve` process on a
 * free port of 127.0.0.1, from the pod template (environment and the model claim mapped to the
 * local model store).
 * - Ready = `GET /ready` answers 200 (probed every 500 ms); only ready replicas take traffic (the
 *   front port asks `endpoints`).
 * - RollingUpdate with maxSurge 1, maxUnavailable 0: one new replica at a time; an old one is
 *   taken out of the balancer, then stopped (SIGTERM, the server drains), only once the new one
 *   is ready. A new version that never gets ready leaves the old replicas serving.
 * - A replica that exits is restarted after 10 s, doubling to 5 minutes (CrashLoopBackOff).
 * - The Deployment's status (replicas, updated, ready, available, Available and Progressing
 *   conditions) is written as the Kubernetes Deployment controller would, so the core's rollout
 *   rules read it unchanged.
 */
export class DeploymentRunner {
  readonly #store: StateStore;
  readonly #procs: ProcessTable;
  readonly #env: NodeJS.ProcessEnv;
  readonly #logger: Logger | undefined;
  readonly #state = new Map<string, DeploymentState>();
  #stopped = false;

  constructor(store: StateStore, procs: ProcessTable, env: NodeJS.ProcessEnv, logger?: Logger) {
    this.#store = store;
    this.#procs = procs;
    this.#env = env;
    this.#logger = logger;
  }

  /** Ready replicas whose labels match `selector` in `namespace` (a Service's endpoints). */
  endpoints(namespace: string, selector: Readonly<Record<string, string>>): Replica[] {
    const matches = (labels: Readonly<Record<string, string>>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    return [...this.#state.values()]
      .filter((d) => d.namespace === namespace)
      .flatMap((d) => d.replicas)
      .filter((r) => r.ready && !r.terminating && matches(r.labels));
  }

  /** Every live replica of a Deployment (for logs, metrics targets and the autoscaler). */
  replicasOf(namespace: string, name: string): readonly Replica[] {
    return this.#state.get(`${namespace}/${name}`)?.replicas ?? [];
  }

  sync(): void {
    if (this.#stopped) return;
    const live = this.#store.list(DEPLOYMENTS) as unknown as V1Deployment[];
    const keys = new Set<string>();
    for (const d of live) {
      const ns = d.metadata?.namespace ?? "default";
      const name = d.metadata?.name ?? "";
      const key = `${ns}/${name}`;
      keys.add(key);
      let st = this.#state.get(key);
      if (st === undefined) {
        st = { namespace: ns, name, replicas: [], seq: 0, lastProgress: Date.now() };
        this.#state.set(key, st);
      }
      this.#syncOne(d, st);
    }
    for (const [key, st] of this.#state)
      if (!keys.has(key)) {
        for (const r of st.replicas) this.#terminate(st, r);
        if (st.replicas.length === 0) this.#state.delete(key);
      }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const all = [...this.#state.values()].flatMap((s) => s.replicas);
    for (const r of all) {
      r.ready = false;
      r.terminating = true;
    }
    await Promise.all(
      all.map(async (r) => (r.child?.pid === undefined ? undefined : stopGroup(r.child.pid, 15_000))),
    );
  }

  #syncOne(d: V1Deployment, st: DeploymentState): void {
    const now = Date.now();
    const template = d.spec?.template ?? {};
    const hash = createHash("sha256").update(JSON.stringify(template)).digest("hex").slice(0, 10);
    const desired = d.spec?.replicas ?? 1;
    for (const r of st.replicas) {
      if (r.child === undefined && !r.terminating && now >= r.nextStartAt) void this.#spawn(d, st, r);
      if (r.child !== undefined && !r.terminating && !r.probing) void this.#probe(st, r);
    }
    const active = st.replicas.filter((r) => !r.terminating);
    const fresh = active.filter((r) => r.hash === hash);
    const old = active.filter((r) => r.hash !== hash);
    const readyFresh = fresh.filter((r) => r.ready).length;
    const readyOld = old.filter((r) => r.ready).length;
    if (fresh.length < desired) {
      // A new Deployment starts every replica at once; a rollout surges one at a time.
      const room = old.length === 0 ? desired - fresh.length : fresh.every((r) => r.ready) ? 1 : 0;
      for (let i = 0; i < room; i++) {
        st.replicas.push(this.#newReplica(d, st, hash));
        st.lastProgress = now;
      }
    }
    // Old replicas go once the new ones can carry the load: unready ones first, never below `desired` ready.
    const unreadyOld = old.filter((r) => !r.ready);
    for (const r of unreadyOld) if (readyFresh > 0 || fresh.length >= desired) this.#terminate(st, r);
    if (readyFresh > 0 && readyOld > 0 && readyFresh + readyOld - 1 >= desired) {
      this.#terminate(
        st,
        old.find((r) => r.ready)!,
      );
      st.lastProgress = now;
    }
    if (fresh.length > desired) {
      const extra = [...fresh]
        .sort((a, b) => Number(a.ready) - Number(b.ready))
        .slice(0, fresh.length - desired);
      for (const r of extra) this.#terminate(st, r);
    }
    this.#writeStatus(d, st, hash, desired, now);
  }

  #writeStatus(d: V1Deployment, st: DeploymentState, hash: string, desired: number, now: number): void {
    const active = st.replicas.filter((r) => !r.terminating);
    const fresh = active.filter((r) => r.hash === hash);
    const ready = active.filter((r) => r.ready).length;
    const complete = fresh.length === desired && active.length === desired && fresh.every((r) => r.ready);
    const deadline = (d.spec?.progressDeadlineSeconds ?? 600) * 1000;
    const old = d.status?.conditions ?? [];
    const cond = (type: string, status: string, reason: string, message: string): V1DeploymentCondition => {
      const prev = old.find((c) => c.type === type);
      const since = prev?.status === status ? prev.lastTransitionTime : iso(now);
      return { type, status, reason, message, lastTransitionTime: since } as unknown as V1DeploymentCondition;
    };
    const name = d.metadata?.name ?? "";
    const progressing = complete
      ? cond(
          "Progressing",
          "True",
          "NewReplicaSetAvailable",
          `ReplicaSet "${name}-${hash}" has successfully progressed.`,
        )
      : now - st.lastProgress > deadline
        ? cond(
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            `ReplicaSet "${name}-${hash}" has timed out progressing.`,
          )
        : cond("Progressing", "True", "ReplicaSetUpdated", `ReplicaSet "${name}-${hash}" is progressing.`);
    const available =
      ready >= desired
        ? cond("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
        : cond(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
          );
    const status = {
      observedGeneration: d.metadata?.generation ?? 1,
      replicas: active.length,
      updatedReplicas: fresh.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(active.length - ready > 0 ? { unavailableReplicas: active.length - ready } : {}),
      conditions: [available, progressing],
    };
    if (JSON.stringify(status) !== JSON.stringify(d.status ?? {}))
      this.#store.writeStatus(DEPLOYMENTS, st.namespace, st.name, status);
  }

  #newReplica(d: V1Deployment, st: DeploymentState, hash: string): Replica {
    const id = `${st.name}-${hash}-${++st.seq}`;
    return {
      id,
      hash,
      labels: { ...(d.spec?.template?.metadata?.labels ?? {}) },
      logFile: this.#store.path("logs", st.namespace, `${id}.log`),
      port: 0,
      child: undefined,
      ready: false,
      terminating: false,
      restarts: 0,
      nextStartAt: 0,
      probing: false,
    };
  }

  async #spawn(d: V1Deployment, st: DeploymentState, r: Replica): Promise<void> {
    r.nextStartAt = Number.POSITIVE_INFINITY; // until it exits
    const podSpec = d.spec?.template?.spec ?? { containers: [] };
    const container = podSpec.containers[0]!;
    const podDir = this.#store.path("pods", st.namespace, r.id);
    rmSync(podDir, { recursive: true, force: true });
    const mounts = podMounts(podSpec, container, this.#store.dir, podDir);
    for (const [, host] of mounts.pairs) mkdirSync(host, { recursive: true });
    r.port = await freePort();
    if (r.terminating || this.#stopped) return;
    const env = { ...containerEnv(mounts, container, this.#env), PORT: String(r.port), HOST: "127.0.0.1" };
    const child = this.#procs.spawn(`pod-${st.namespace}-${r.id}`, entrypoint(container.args ?? []), {
      env,
      logFile: r.logFile,
    });
    r.child = child;
    this.#logger?.info("Started server replica", {
      deployment: `${st.namespace}/${st.name}`,
      replica: r.id,
      port: r.port,
      pid: child.pid,
    });
    child.once("exit", (code, signal) => {
      r.child = undefined;
      r.ready = false;
      if (r.terminating) {
        st.replicas = st.replicas.filter((x) => x !== r);
        rmSync(podDir, { recursive: true, force: true });
        return;
      }
      r.restarts += 1;
      r.nextStartAt = Date.now() + restartDelayMs(r.restarts);
      this.#logger?.warn("Server replica exited; restarting with backoff", {
        deployment: `${st.namespace}/${st.name}`,
        replica: r.id,
        code,
        signal,
        restarts: r.restarts,
        log: r.logFile,
      });
    });
  }

  async #probe(st: DeploymentState, r: Replica): Promise<void> {
    r.probing = true;
    try {
      const res = await fetch(`http://127.0.0.1:${r.port}/ready`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      const ready = res.status === 200 && !r.terminating && r.child !== undefined;
      if (ready && !r.ready) {
        st.lastProgress = Date.now();
        this.#logger?.info("Server replica is ready", {
          deployment: `${st.namespace}/${st.name}`,
          replica: r.id,
          port: r.port,
        });
      }
      r.ready = ready;
    } catch {
      r.ready = false;
    } finally {
      setTimeout(() => (r.probing = false), 500);
    }
  }

  #terminate(st: DeploymentState, r: Replica): void {
    if (r.terminating) return;
    r.terminating = true;
    r.ready = false; // out of the balancer first, then stopped
    this.#logger?.info("Stopping server replica", {
      deployment: `${st.namespace}/${st.name}`,
      replica: r.id,
    });
    if (r.child?.pid !== undefined) void stopGroup(r.child.pid, 30_000);
    else st.replicas = st.replicas.filter((x) => x !== r);
  }
}
