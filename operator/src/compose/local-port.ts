import { randomUUID } from "node:crypto";
import { apply as applyMergePatch } from "json-merge-patch";
import type { Logger } from "../../../common/log.ts";
import type { ClusterPort, ObjectSource, WorldSources } from "../controllers/port.ts";
import { jsonEqual } from "../core/json-equal.ts";
import { statusChanged } from "../core/status-changed.ts";
import type { ChildAction } from "../core/types.ts";
import type { EventSpec } from "../k8s/events.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { Resources, resourceFor } from "../k8s/resources.ts";
import type { Clock } from "../runtime/clock.ts";
import type { StateStore } from "./store.ts";

const source = (store: StateStore, plural: string): ObjectSource => ({
  get: (namespace, name) => store.get(plural, namespace, name),
  list: (namespace) => store.list(plural, namespace),
  on: (handler) => store.on(plural, handler),
});

/** The store's view of every kind the controllers read. */
export function localSources(store: StateStore): WorldSources {
  return {
    trainingRuns: source(store, Resources.trainingRun.plural),
    sentimentModels: source(store, Resources.sentimentModel.plural),
    jobs: source(store, Resources.job.plural),
    pods: source(store, Resources.pod.plural),
    deployments: source(store, Resources.deployment.plural),
    services: source(store, Resources.service.plural),
    pvcs: source(store, Resources.pvc.plural),
    hpas: source(store, Resources.hpa.plural),
    pdbs: source(store, Resources.pdb.plural),
    networkPolicies: source(store, Resources.networkPolicy.plural),
    serviceMonitors: source(store, Resources.serviceMonitor.plural),
  };
}

function pluralOf(apiVersion: string | undefined, kind: string | undefined): string {
  const res = resourceFor(apiVersion, kind);
  if (res === undefined) throw new Error(`Compose mode does not manage ${apiVersion ?? "?"} ${kind ?? "?"}.`);
  return res.plural;
}

/**
 * Stores an object the way the apiserver would: a new one gets a uid, generation 1 and a
 * creation time; a changed spec bumps the generation. `keepReplicas` mirrors server-side apply
 * when another manager (the HPA) owns `spec.replicas`: the desired object leaves it out, the live
 * value stays.
 */
export function storeObject(store: StateStore, obj: KubeObject, now: Date, keepReplicas = true): KubeObject {
  const plural = pluralOf(obj.apiVersion, obj.kind);
  const ns = obj.metadata?.namespace ?? "default";
  const name = obj.metadata?.name ?? "";
  const live = store.read(plural, ns, name);
  let spec = (obj as Record<string, unknown>)["spec"] as Record<string, unknown> | undefined;
  const liveSpec = live?.["spec"] as Record<string, unknown> | undefined;
  if (
    keepReplicas &&
    spec !== undefined &&
    spec["replicas"] === undefined &&
    liveSpec?.["replicas"] !== undefined
  )
    spec = { ...spec, replicas: liveSpec["replicas"] };
  const liveMeta = live?.metadata;
  const generation =
    liveMeta?.generation === undefined ? 1 : liveMeta.generation + (jsonEqual(liveSpec, spec) ? 0 : 1);
  const stored: KubeObject = {
    ...obj,
    ...(spec === undefined ? {} : { spec }),
    metadata: {
      ...obj.metadata,
      namespace: ns,
      uid: liveMeta?.uid ?? randomUUID(),
      generation,
      creationTimestamp: liveMeta?.creationTimestamp ?? now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      resourceVersion: String(now.getTime()),
    },
  };
  store.writeObject(plural, stored);
  return stored;
}

/**
 * The compose backend of the runtime port: the state directory is the world; actions write
 * children into it (the local Job, Deployment and Service runners realize them as processes);
 * status goes to the status files; events are appended to events.jsonl.
 */
export function localPort(store: StateStore, clock: Clock, logger?: Logger): ClusterPort {
  const sent = new Map<string, number>();
  return {
    sources: localSources(store),
    act: (actions, owner) => {
      for (const a of actions) applyLocal(store, a, new Date(clock.now()), owner, logger);
      return Promise.resolve();
    },
    writeStatus: (live, status) => Promise.resolve(writeLocalStatus(store, live, status)),
    recordEvent: (regarding, ev) => {
      recordLocal(store, sent, clock.now(), regarding, ev, logger);
      return Promise.resolve();
    },
  };
}

function writeLocalStatus(store: StateStore, live: KubeObject, status: unknown): boolean {
  if (!statusChanged(live["status"], status)) return false;
  const plural = pluralOf(live.apiVersion, live.kind);
  const ns = live.metadata?.namespace ?? "default";
  const name = live.metadata?.name ?? "";
  if (store.read(plural, ns, name) === undefined) return false; // deleted meanwhile
  store.writeStatus(plural, ns, name, status);
  return true;
}

/** Appends an event; the same event about the same object at most once per 10 minutes (as the Kubernetes recorder). */
function recordLocal(
  store: StateStore,
  sent: Map<string, number>,
  now: number,
  regarding: KubeObject,
  ev: EventSpec,
  logger: Logger | undefined,
): void {
  const meta = regarding.metadata ?? {};
  const key = [meta.uid, ev.type, ev.reason, ev.note].join("\u0000");
  const last = sent.get(key);
  if (last !== undefined && now - last < 10 * 60_000) return;
  sent.set(key, now);
  try {
    store.appendEvent({
      time: new Date(now).toISOString(),
      type: ev.type,
      reason: ev.reason,
      note: ev.note.slice(0, 1024),
      regarding: {
        kind: regarding.kind ?? "",
        namespace: meta.namespace ?? "default",
        name: meta.name ?? "",
        uid: meta.uid ?? "",
      },
    });
  } catch (e) {
    logger?.warn("Failed to record event", { reason: ev.reason, error: (e as Error).message });
  }
}

function applyLocal(store: StateStore, action: ChildAction, now: Date, owner: string, logger?: Logger): void {
  switch (action.verb) {
    case "apply": {
      const obj = action.object as unknown as KubeObject;
      const plural = pluralOf(obj.apiVersion, obj.kind);
      const ns = obj.metadata?.namespace ?? "default";
      // A Job's template is immutable: create it only if absent (a restart finds its own Job).
      if (obj.kind === "Job" && store.read(plural, ns, obj.metadata?.name ?? "") !== undefined) return;
      storeObject(store, obj, now);
      logger?.info(action.reason === "create" ? `Created ${obj.kind}` : `Updated ${obj.kind}`, {
        owner,
        name: obj.metadata?.name,
      });
      return;
    }
    case "patch": {
      const plural = pluralOf(action.ref.apiVersion, action.ref.kind);
      const live = store.read(plural, action.ref.namespace, action.ref.name);
      if (live === undefined) return;
      const { status: _s, ...rest } = live as Record<string, unknown>;
      const patched = applyMergePatch(rest, action.patch) as KubeObject;
      storeObject(store, patched, now, false);
      logger?.info(`Patched ${action.ref.kind}`, { owner, name: action.ref.name, reason: action.reason });
      return;
    }
    case "delete": {
      const plural = pluralOf(action.ref.apiVersion, action.ref.kind);
      if (store.remove(plural, action.ref.namespace, action.ref.name))
        logger?.info(`Deleted ${action.ref.kind}`, { owner, name: action.ref.name, reason: action.reason });
      return;
    }
  }
}
