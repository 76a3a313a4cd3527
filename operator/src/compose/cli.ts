import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { Option, subcommand, type Command } from "../../../common/cli.ts";
import { createLogger } from "../../../common/log.ts";
import { jobName } from "../api/names.ts";
import type { CrdDefinition } from "../api/crd/build.ts";
import { SENTIMENT_MODEL_CRD, TRAINING_RUN_CRD } from "../api/crd/definitions.ts";
import type { KubeObject } from "../api/kube-object.ts";
import { createProbeApp } from "../server/app.ts";
import { applyManifests, crdFor, readManifests, UserError } from "./apply.ts";
import { describe as describeObject } from "./describe.ts";
import { ProcessTable, isAlive } from "./processes.ts";
import { printObjects, printTable } from "./printers.ts";
import { startPrometheus, type PrometheusHandle, type TargetGroup } from "./prometheus.ts";
import { StateStore, type StoredEvent } from "./store.ts";
import { Compose, runningUp } from "./up.ts";
import { onStopSignal } from "../../../common/signals.ts";

const DEFAULT_STATE_DIR = ".sentiment-compose";

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export interface UpFlags {
  address: string;
  file?: string[];
  detach?: boolean;
  metricsPort: string;
  prometheus: boolean;
  mlflow?: boolean;
  logLevel: string;
  hpaSyncPeriod?: string;
}

interface GetFlags {
  output?: string;
  watch?: boolean;
}

export interface Common {
  stateDir: string;
  namespace: string;
}

const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const note = (s: string): void => void process.stderr.write(`${s}\n`);

function kindsOf(word: string): CrdDefinition[] {
  const w = word.toLowerCase();
  if (w === "mlops" || w === "all") return [TRAINING_RUN_CRD, SENTIMENT_MODEL_CRD];
  const def = crdFor(w);
  if (def === undefined)
    throw new UserError(
      `the server doesn't have a resource type "${word}": use trainingruns (tr), sentimentmodels (smodel) or mlops`,
    );
  return [def];
}

/** `KIND NAME` or `KIND/NAME`. */
function target(kind: string, name: string | undefined): { def: CrdDefinition; name: string } {
  const [k, n] = kind.includes("/") ? (kind.split("/", 2) as [string, string]) : [kind, name];
  if (n === undefined || n === "") throw new UserError(`a resource name is required: ${kind} NAME`);
  const defs = kindsOf(k);
  if (defs.length !== 1) throw new UserError(`name one kind: trainingrun or sentimentmodel, not ${k}`);
  return { def: defs[0]!, name: n };
}

function mustGet(store: StateStore, def: CrdDefinition, ns: string, name: string): KubeObject {
  const obj = store.read(def.names.plural, ns, name);
  if (obj === undefined)
    throw new UserError(`${def.names.plural}.sentiment.mlops.dev "${name}" not found (namespace ${ns})`);
  return obj;
}

function formatEvent(e: StoredEvent): string {
  const time = e.time.replace(/\.\d+Z$/, "Z");
  return `${time}  ${e.type.padEnd(7)}  ${e.regarding.kind.toLowerCase()}/${e.regarding.name}  ${e.reason}: ${e.note}`;
}

/** Calls `onData` with what is appended to `file` from now on (polls every 300 ms); returns a stop function. */
function followFile(file: string, onData: (chunk: Buffer) => void, from?: number): () => void {
  let offset = from ?? (existsSync(file) ? statSync(file).size : 0);
  const timer = setInterval(() => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size <= offset) return;
    const fd = openSync(file, "r");
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    onData(buf);
  }, 300);
  return () => clearInterval(timer);
}

/** Calls `onLine` for every event appended after byte `from` of events.jsonl. */
function followEvents(store: StateStore, from: number, onLine: (e: StoredEvent) => void): () => void {
  let rest = "";
  return followFile(
    store.path("events.jsonl"),
    (buf) => {
      const lines = (rest + buf.toString("utf8")).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines)
        if (l.trim() !== "")
          try {
            onLine(JSON.parse(l) as StoredEvent);
          } catch {
            // a torn line
          }
    },
    from,
  );
}

/**
 * `compose up` in the foreground: reaps leftovers, applies `file`, runs until SIGINT/SIGTERM,
 * printing events and, once a model is Ready, its URL, a curl line and Prometheus' URL.
 */
export async function composeUp(o: Common & UpFlags): Promise<number> {
  const started = Date.now();
  const stateDir = resolve(o.stateDir);
  const hpaSyncPeriod = Number(o.hpaSyncPeriod ?? "15");
  if (!(hpaSyncPeriod > 0))
    throw new UserError(`--hpa-sync-period must be a number of seconds above 0, not "${o.hpaSyncPeriod}"`);
  if (o.detach) return detach(stateDir);
  // Listen for Ctrl-C from the start: a signal during start-up stops cleanly once started; a
  // second Ctrl-C (not npm's echo of the first) does not wait.
  const stopRequested = new Promise<void>((done) => {
    onStopSignal(
      () => done(),
      (signal) => process.exit(signal === "SIGINT" ? 130 : 143),
    );
  });
  const logger = createLogger({ component: "compose", level: o.logLevel, pretty: process.stderr.isTTY });
  const manifests = readManifests(o.file ?? []);
  const eventsFile = join(stateDir, "events.jsonl");
  const eventsFrom = existsSync(eventsFile) ? statSync(eventsFile).size : 0; // this up's events only
  const compose = await Compose.start({
    stateDir,
    logger,
    address: o.address,
    mlflow: o.mlflow ?? false,
    hpaSyncPeriodMs: hpaSyncPeriod * 1000,
    onProblem: (line) => note(`error: ${line}`),
  });
  for (const a of applyManifests(compose.store, manifests, o.namespace))
    out(`${a.kind.toLowerCase()}.sentiment.mlops.dev/${a.name} ${a.result}`);
  const app = createProbeApp({
    registry: compose.metrics.registry,
    readiness: () => ({ ready: true, role: "compose", detail: "Local controllers running" }),
  });
  let server: Server;
  try {
    server = await new Promise<Server>((ok, fail) => {
      const s = app.listen(Number(o.metricsPort), o.address, () => ok(s));
      s.once("error", fail);
    });
  } catch (e) {
    await compose.stop();
    throw new UserError(
      `cannot serve the operator's metrics on port ${o.metricsPort}: ${(e as Error).message}: pass --metrics-port`,
    );
  }
  const metricsPort = (server.address() as AddressInfo).port;
  let prometheus: PrometheusHandle | undefined;
  if (o.prometheus) {
    prometheus = await startPrometheus({
      stateDir,
      operatorPort: metricsPort,
      targets: () => serverTargets(compose),
      processes: compose.processes,
      logger,
    });
    if (prometheus.url === undefined) note(prometheus.hint ?? "Prometheus is not available.");
  }
  const mlflow = compose.mlflow;
  if (mlflow.hint !== undefined) note(mlflow.hint);
  note(
    `Compose is up (state in ${stateDir}); operator metrics on http://127.0.0.1:${metricsPort}/metrics${prometheus?.url ? `; Prometheus on ${prometheus.url}` : ""}${mlflow.uiUrl ? `; MLflow on ${mlflow.uiUrl}` : ""}${mlflow.trackingUri && !mlflow.uiUrl ? `; runs tracked in MLflow at ${mlflow.trackingUri}` : ""}. Ctrl-C stops everything.`,
  );
  const stopEvents = followEvents(compose.store, eventsFrom, (e) => out(formatEvent(e)));
  const announced = new Set<string>();
  const announce = setInterval(() => {
    for (const m of compose.store.list(SENTIMENT_MODEL_CRD.names.plural)) {
      const s = (m["status"] ?? {}) as {
        phase?: string;
        url?: string;
        currentVersion?: string;
        metrics?: { accuracy?: number };
      };
      const key = `${m.metadata?.namespace}/${m.metadata?.name}@${s.currentVersion}`;
      if (s.phase !== "Ready" || s.url === undefined || announced.has(key)) continue;
      announced.add(key);
      out(
        [
          ``,
          `SentimentModel ${m.metadata?.namespace}/${m.metadata?.name} is Ready after ${((Date.now() - started) / 1000).toFixed(1)} s: version ${s.currentVersion}${s.metrics?.accuracy === undefined ? "" : `, test accuracy ${s.metrics.accuracy.toFixed(4)}`}`,
          `  URL:         ${s.url}`,
          `  Try:         curl -s ${s.url} -H 'content-type: application/json' -d '{"text":"A wonderful, moving film."}'`,
          ...(prometheus?.url ? [`  Prometheus:  ${prometheus.url}`] : []),
          ...(mlflow.uiUrl ? [`  MLflow:      ${mlflow.uiUrl}`] : []),
          ``,
        ].join("\n"),
      );
    }
  }, 500);
  await stopRequested;
  note("Stopping: servers drain, trainers stop (state is kept; `compose up` resumes)...");
  clearInterval(announce);
  stopEvents();
  await prometheus?.stop();
  await compose.stop();
  await new Promise<void>((r) => {
    server.close(() => r());
    server.closeAllConnections();
  });
  note("Stopped.");
  return 0;
}

/** One target group per model Service: its ready replicas, labelled as a ServiceMonitor would. */
function serverTargets(compose: Compose): TargetGroup[] {
  return compose.store.list("services").map((svc) => {
    const ns = svc.metadata?.namespace ?? "default";
    const selector = (svc["spec"] as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    return {
      targets: compose.deployments.endpoints(ns, selector).map((r) => `127.0.0.1:${r.port}`),
      labels: { job: svc.metadata?.name ?? "", namespace: ns },
    };
  });
}

/** `up --detach`: the same command in the background, logging to the state directory. */
async function detach(stateDir: string): Promise<number> {
  const args = process.argv.slice(1).filter((a) => a !== "--detach" && a !== "-d");
  const log = resolve(stateDir, "up.log");
  fs.mkdirSync(stateDir, { recursive: true });
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  child.unref();
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (runningUp(stateDir) === child.pid) {
      out(
        `compose up is running in the background (PID ${child.pid}); log: ${log}; stop it with: sentiment-operator compose down`,
      );
      return 0;
    }
    if (child.exitCode !== null) break;
  }
  throw new UserError(`compose up did not start: see ${log}`);
}

async function down(o: Common): Promise<number> {
  const stateDir = resolve(o.stateDir);
  const pid = runningUp(stateDir);
  if (pid !== undefined) {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + 60_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, "SIGKILL");
    note(`Stopped compose up (PID ${pid}).`);
  }
  if (!existsSync(stateDir)) {
    note("Nothing to stop.");
    return 0;
  }
  const reaped = await new ProcessTable(stateDir).reap(10_000);
  if (reaped.length > 0)
    note(`Stopped ${reaped.length} leftover process(es): ${reaped.map((r) => r.pid).join(", ")}.`);
  if (pid === undefined && reaped.length === 0) note("Nothing was running.");
  fs.rmSync(resolve(stateDir, "up.pid"), { force: true });
  return 0;
}

function get(
  kind: string,
  name: string | undefined,
  o: Common & { output?: string; watch?: boolean },
): number | Promise<number> {
  const store = new StateStore(resolve(o.stateDir));
  const defs = kindsOf(kind);
  const render = (): string => {
    const parts: string[] = [];
    for (const def of defs) {
      const objects =
        name === undefined
          ? store.readAll(def.names.plural, o.namespace)
          : [mustGet(store, def, o.namespace, name)];
      if (o.output === "json" || o.output === "yaml") {
        parts.push(printObjects(objects, o.output, name !== undefined));
        continue;
      }
      if (objects.length === 0) continue;
      parts.push(printTable(def, objects, o.output === "wide", defs.length > 1));
    }
    if (parts.length === 0) return `No resources found in ${o.namespace} namespace.`;
    return parts.join("\n\n");
  };
  out(render());
  if (!o.watch) return 0;
  return new Promise<number>(() => {
    let last = render();
    setInterval(() => {
      const now = render();
      if (now !== last) {
        out(
          now
            .split("\n")
            .slice(defs.length > 1 ? 0 : 1)
            .join("\n"),
        );
        last = now;
      }
    }, 1000);
  });
}

function logs(ref: string, o: Common & { follow?: boolean }): number | Promise<number> {
  const store = new StateStore(resolve(o.stateDir));
  const { def, name } = target(ref, undefined);
  mustGet(store, def, o.namespace, name);
  const dir = store.path("logs", o.namespace);
  const all = existsSync(dir) ? readdirSync(dir) : [];
  let files: string[];
  if (def === TRAINING_RUN_CRD) {
    const job = jobName(name);
    const pods = all.filter((f) => f.startsWith(`${job}-`) && /^\d+\.log$/.test(f.slice(job.length + 1)));
    pods.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    files = pods.slice(-1);
  } else {
    files = all
      .filter((f) => f.startsWith(`${name}-`))
      .sort((a, b) => statSync(resolve(dir, a)).mtimeMs - statSync(resolve(dir, b)).mtimeMs);
  }
  if (files.length === 0) throw new UserError(`no logs yet for ${def.names.singular}/${name}`);
  for (const f of files) {
    if (files.length > 1) out(`==> ${f} <==`);
    process.stdout.write(readFileSync(resolve(dir, f)));
  }
  if (!o.follow) return 0;
  followFile(resolve(dir, files[files.length - 1]!), (buf) => process.stdout.write(buf));
  return new Promise<number>(() => undefined); // until Ctrl-C
}

function del(kind: string, name: string | undefined, o: Common): number {
  const store = new StateStore(resolve(o.stateDir));
  const t = target(kind, name);
  mustGet(store, t.def, o.namespace, t.name);
  store.remove(t.def.names.plural, o.namespace, t.name);
  out(`${t.def.names.singular}.sentiment.mlops.dev "${t.name}" deleted`);
  if (runningUp(store.dir) === undefined)
    note("compose up is not running: what the resource owns goes at the next `compose up`.");
  return 0;
}

function apply(o: Common & { file: string[] }): number {
  const store = new StateStore(resolve(o.stateDir));
  for (const a of applyManifests(store, readManifests(o.file), o.namespace))
    out(`${a.kind.toLowerCase()}.sentiment.mlops.dev/${a.name} ${a.result}`);
  if (runningUp(store.dir) === undefined)
    note("Stored. compose up is not running: start it with `sentiment-operator compose up`.");
  return 0;
}

const withState = (c: Command): Command =>
  c
    .option("--state-dir <dir>", "where resources, status, events, logs and models live", DEFAULT_STATE_DIR)
    .option("-n, --namespace <ns>", "namespace of the resources", "default");

/**
 * `sentiment-operator compose`: the operator on one machine, with kubectl's habits. Every
 * subcommand reads the state directory (`--state-dir`, SENTIMENT_OPERATOR_STATE_DIR, else
 * ./.sentiment-compose); `up` runs the controllers and the local runtime over it. Parsing is
 * the operator CLI's (common/cli.ts); `runCompose` runs the subcommand it chose.
 */
export function addComposeCommand(parent: Command): Command {
  const cmd = subcommand(
    parent,
    "compose",
    "Runs the operator on this machine: local processes instead of Jobs and Deployments.",
  );
  withState(subcommand(cmd, "up", "Starts the local control loop, applies what is given, streams events."))
    .option("-f, --file <path>", "a manifest file or directory (repeatable)", collect)
    .option("-d, --detach", "run in the background", false)
    .option("--metrics-port <n>", "port of the operator's /metrics; 0 picks one", "0")
    .option("--no-prometheus", "do not start Prometheus")
    .option(
      "--mlflow",
      "start a local MLflow server (`npm run mlflow:install`); runs without spec.tracking.mlflow are tracked there",
      false,
    )
    .option(
      "--hpa-sync-period <seconds>",
      "how often the local HPA recomputes replicas (kube-controller-manager's --horizontal-pod-autoscaler-sync-period)",
      "15",
    )
    .option(
      "--address <ip>",
      "address of the front ports and of /metrics (0.0.0.0 in a container)",
      "127.0.0.1",
    )
    .addOption(
      new Option("--log-level <level>", "log level")
        .choices(["error", "warn", "info", "debug"])
        .default("warn"),
    );
  withState(
    subcommand(cmd, "apply", "Adds or changes resources (the same YAML as for Kubernetes)."),
  ).requiredOption("-f, --file <path>", "a manifest file or directory (repeatable)", collect);
  withState(
    subcommand(
      cmd,
      "get",
      "Lists trainingruns, sentimentmodels or mlops (both) with the CRDs' printer columns.",
    ),
  )
    .argument("<kind>")
    .argument("[name]")
    .addOption(new Option("-o, --output <format>", "output format").choices(["wide", "json", "yaml"]))
    .option("-w, --watch", "print again when something changes", false);
  withState(subcommand(cmd, "describe", "Shows conditions, the gate decision, history and recent events."))
    .argument("<kind>")
    .argument("[name]");
  withState(
    subcommand(cmd, "logs", "Prints trainer logs (trainingrun/NAME) or server logs (sentimentmodel/NAME)."),
  )
    .argument("<kind/name>")
    .option("-f, --follow", "keep printing new lines", false);
  withState(subcommand(cmd, "delete", "Removes a resource and what it owns."))
    .argument("<kind>")
    .argument("[name]");
  withState(subcommand(cmd, "down", "Stops compose up and every process it started; the state is kept."));
  return cmd;
}

/** Runs the compose subcommand the parser chose: a user's error is one `error:` line and status 1. */
export async function runCompose(chosen: Command): Promise<number> {
  const o = chosen.opts<Common & UpFlags & GetFlags & { file: string[]; follow?: boolean }>();
  const [a, b] = chosen.processedArgs as [string | undefined, string | undefined];
  try {
    switch (chosen.name()) {
      case "up":
        return await composeUp(o);
      case "apply":
        return apply(o);
      case "get":
        return await get(a!, b, o);
      case "describe": {
        const store = new StateStore(resolve(o.stateDir));
        const t = target(a!, b);
        const obj = mustGet(store, t.def, o.namespace, t.name);
        out(
          describeObject(
            t.def,
            obj,
            store.events({ kind: t.def.names.kind, namespace: o.namespace, name: t.name }),
          ),
        );
        return 0;
      }
      case "logs":
        return await logs(a!, o);
      case "delete":
        return del(a!, b, o);
      case "down":
        return await down(o);
      default:
        throw new UserError(`unknown compose command ${chosen.name()}`);
    }
  } catch (e) {
    note(`error: ${(e as Error).message}`);
    return 1;
  }
}
