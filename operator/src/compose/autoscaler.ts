import type { V1Deployment, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import type { Logger } from "../../../common/log.ts";
import { quantityValue } from "../api/quantity.ts";
import { Resources } from "../k8s/resources.ts";
import type { Replica } from "./deployment-runner.ts";
import { storeObject } from "./local-port.ts";
import type { StateStore } from "./store.ts";

const TICKS_PER_SECOND = 100;
/**
 * The HPA controller's defaults: a 15 s sync (kube-controller-manager's
 * `--horizontal-pod-autoscaler-sync-period`; `compose up --hpa-sync-period`), 10 % tolerance,
 * 5 minutes of scale-down stabilisation unless the HPA's `behavior.scaleDown` says otherwise.
 */
export const DEFAULT_SYNC_PERIOD_MS = 15_000;
const TOLERANCE = 0.1;
const DEFAULT_DOWN_WINDOW_S = 300;

/** CPU seconds a process has used (utime + stime from /proc/<pid>/stat). */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * The HPA's replica count (autoscaling/v2 algorithm, CPU only): `ceil(current × average
 * utilisation / target)` outside a 10 % tolerance, clamped to min..max; a lower count is taken only
 * when it has been the highest recommendation for the scale-down window. Pure.
 */
export function desiredReplicas(
  current: number,
  utilisation: number | undefined,
  target: number,
  min: number,
  max: number,
  recentRecommendations: readonly number[],
): number {
  let want = current;
  if (utilisation !== undefined && Math.abs(utilisation / target - 1) > TOLERANCE)
    want = Math.ceil((current * utilisation) / target);
  want = Math.min(max, Math.max(min, want));
  if (want < current) want = Math.min(current, Math.max(want, ...recentRecommendations));
  return want;
}

/**
 * The local HorizontalPodAutoscaler: every sync period (15 s by default) it samples the CPU of each ready replica against
 * its CPU request and sets the Deployment's `spec.replicas` (the operator leaves that field to
 * the HPA, as in Kubernetes), then writes the HPA's status.
 */
export class Autoscaler {
  readonly #store: StateStore;
  readonly #replicas: (namespace: string, name: string) => readonly Replica[];
  readonly #logger: Logger | undefined;
  readonly #samples = new Map<string, { cpu: number; at: number }>();
  readonly #history = new Map<string, { at: number; want: number }[]>();
  readonly #lastRun = new Map<string, number>();
  readonly #periodMs: number;

  constructor(
    store: StateStore,
    replicas: (namespace: string, name: string) => readonly Replica[],
    logger?: Logger,
    syncPeriodMs = DEFAULT_SYNC_PERIOD_MS,
  ) {
    this.#periodMs = syncPeriodMs;
    this.#store = store;
    this.#replicas = replicas;
    this.#logger = logger;
  }

  sync(): void {
    const now = Date.now();
    for (const hpa of this.#store.list(Resources.hpa.plural) as unknown as V2HorizontalPodAutoscaler[]) {
      const ns = hpa.metadata?.namespace ?? "default";
      const key = `${ns}/${hpa.metadata?.name}`;
      const spec = hpa.spec;
      if (spec === undefined) continue;
      const deploy = this.#store.get(Resources.deployment.plural, ns, spec.scaleTargetRef.name) as unknown as
        V1Deployment | undefined;
      if (deploy === undefined) continue;
      const current = deploy.spec?.replicas;
      const min = spec.minReplicas ?? 1;
      // A Deployment without replicas (just created) gets minReplicas at once.
      if (current !== undefined && now - (this.#lastRun.get(key) ?? 0) < this.#periodMs) continue;
      this.#lastRun.set(key, now);
      const target =
        spec.metrics?.find((m) => m.resource?.name === "cpu")?.resource?.target.averageUtilization ?? 80;
      const request = deploy.spec?.template?.spec?.containers?.[0]?.resources?.requests?.["cpu"];
      const requestCores = request === undefined ? undefined : quantityValue(String(request));
      const utilisation = this.#utilisation(ns, spec.scaleTargetRef.name, requestCores, now);
      const downWindowMs =
        (spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? DEFAULT_DOWN_WINDOW_S) * 1000;
      const history = (this.#history.get(key) ?? []).filter((h) => now - h.at < downWindowMs);
      const base = current ?? min;
      const want = desiredReplicas(
        base,
        utilisation,
        target,
        min,
        spec.maxReplicas,
        history.map((h) => h.want),
      );
      history.push({
        at: now,
        want: Math.min(
          spec.maxReplicas,
          Math.max(min, utilisation === undefined ? base : Math.ceil((base * utilisation) / target)),
        ),
      });
      this.#history.set(key, history);
      if (want !== current) {
        const { status: _s, ...rest } = deploy as unknown as Record<string, unknown>;
        storeObject(this.#store, { ...rest, spec: { ...deploy.spec, replicas: want } }, new Date(now), false);
        this.#logger?.info("Scaled Deployment", {
          hpa: key,
          from: current ?? 0,
          to: want,
          cpuUtilisation: utilisation,
        });
      }
      const status = {
        currentReplicas: current ?? 0,
        desiredReplicas: want,
        lastScaleTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
        ...(utilisation === undefined
          ? {}
          : {
              currentMetrics: [
                {
                  type: "Resource",
                  resource: { name: "cpu", current: { averageUtilization: Math.round(utilisation) } },
                },
              ],
            }),
      };
      this.#store.writeStatus(Resources.hpa.plural, ns, hpa.metadata?.name ?? "", status);
    }
  }

  /** Average CPU utilisation (% of the request) of the ready replicas since the last sample. */
  #utilisation(ns: string, name: string, requestCores: number | undefined, now: number): number | undefined {
    if (requestCores === undefined || requestCores <= 0) return undefined;
    const values: number[] = [];
    for (const r of this.#replicas(ns, name)) {
      const pid = r.child?.pid;
      if (pid === undefined || !r.ready) continue;
      const cpu = cpuSeconds(pid);
      if (cpu === undefined) continue;
      const prev = this.#samples.get(r.id);
      this.#samples.set(r.id, { cpu, at: now });
      if (prev !== undefined && now > prev.at)
        values.push(((cpu - prev.cpu) / ((now - prev.at) / 1000) / requestCores) * 100);
    }
    return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
  }
}
