import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { delimiter } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { EXIT } from "../../common/cli.ts";
import { createLogger } from "../../common/log.ts";
import { parseCli, type RunOptions } from "./cli.ts";
import { runCompose } from "./compose/cli.ts";
import { Operator } from "./operator.ts";
import { OperatorMetrics } from "./server/metrics.ts";
import { createProbeApp } from "./server/app.ts";
import { onStopSignal } from "../../common/signals.ts";

const IN_CLUSTER_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/** `sentiment-operator run`: parse, connect, serve probes and metrics, run until a signal. */
async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (!parsed.ok) return fail(parsed.error.message, EXIT.usage);
  if (parsed.value.command === "print") {
    process.stdout.write(parsed.value.text);
    return EXIT.ok;
  }
  if (parsed.value.command === "compose") return runCompose(parsed.value.invocation);
  // Exit as soon as the controllers have stopped (logs are flushed on exit; `run` writes nothing to
  // stdout): npm's copy of a Ctrl-C (common/signals.ts) arriving while Node winds down would
  // otherwise kill the process with that signal. Compose commands end naturally, their output
  // (large `logs`, piped) written out first.
  process.exit(await run(parsed.value.options));
}

/** A failure before the controllers run: one line on stderr, no stack. */
function fail(message: string, code: number = EXIT.failed): number {
  console.error(message.startsWith("sentiment-operator: ") ? message : `sentiment-operator: ${message}`);
  return code;
}

/** --kubeconfig (or KUBECONFIG, a list like kubectl's), else ~/.kube/config, else in-cluster. */
function loadKubeConfig(o: RunOptions): KubeConfig | string {
  const kc = new KubeConfig();
  const [first, ...more] = (o.kubeconfig ?? "").split(delimiter).filter((f) => f !== "");
  try {
    if (first === undefined) kc.loadFromDefault();
    else kc.loadFromFile(first);
    for (const file of more) {
      const other = new KubeConfig();
      other.loadFromFile(file);
      kc.mergeConfig(other);
    }
    if (o.context !== undefined) kc.setCurrentContext(o.context);
  } catch (e) {
    return `Cannot load the kubeconfig: ${(e as Error).message}. Fix --kubeconfig (KUBECONFIG).`;
  }
  // client-node's last resort when it found neither a kubeconfig nor a service account.
  if (
    first === undefined &&
    kc.getCurrentContext() === "loaded-context" &&
    kc.getCurrentCluster()?.server === "http://localhost:8080"
  ) {
    return "No kubeconfig found: pass --kubeconfig PATH, set KUBECONFIG, create ~/.kube/config, or run in a cluster.";
  }
  return kc;
}

async function run(o: RunOptions): Promise<number> {
  const logger = createLogger({ component: "operator", level: o.logLevel });
  const kubeConfig = loadKubeConfig(o);
  if (typeof kubeConfig === "string") return fail(kubeConfig, EXIT.usage);
  let leNamespace = o.leaderElectionNamespace;
  if (o.leaderElect && leNamespace === undefined && existsSync(IN_CLUSTER_NAMESPACE)) {
    leNamespace = readFileSync(IN_CLUSTER_NAMESPACE, "utf8").trim();
  }
  if (o.leaderElect && leNamespace === undefined) {
    return fail(
      "No namespace for the leader Lease: pass --leader-election-namespace or set POD_NAMESPACE.",
      EXIT.usage,
    );
  }

  // Listen first: a port in use is found before anything connects to the cluster.
  const metrics = new OperatorMetrics();
  let operator: Operator | undefined;
  const app = createProbeApp({
    registry: metrics.registry,
    readiness: () => operator?.readiness() ?? { ready: false, role: "starting", detail: "Starting" },
  });
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const s = app.listen(o.metricsPort, o.metricsHost, () => resolve(s));
      s.on("error", reject);
    });
  } catch (e) {
    return fail(
      (e as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? `Port ${o.metricsPort} on ${o.metricsHost} is in use: pass --metrics-port with a free port (0 picks one).`
        : `Cannot listen on ${o.metricsHost}:${o.metricsPort}: ${(e as Error).message}. Fix --metrics-host or --metrics-port.`,
    );
  }
  try {
    operator = await Operator.start({
      kubeConfig,
      config: o.config,
      identity: o.identity,
      logger,
      metrics,
      workers: o.workers,
      resyncPeriodMs: o.resyncPeriodMs,
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      ...(o.leaderElect && leNamespace !== undefined
        ? { leaderElection: { namespace: leNamespace, name: o.leaderElectionId } }
        : {}),
    });
  } catch (e) {
    server.close();
    return fail(
      `Cannot connect to ${kubeConfig.getCurrentCluster()?.server ?? "the cluster"}: ${(e as Error).message}.`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  logger.info("Started operator", {
    server: kubeConfig.getCurrentCluster()?.server,
    namespace: o.namespace ?? "(all)",
    leaderElect: o.leaderElect,
    identity: o.identity,
    metricsPort: port,
  });

  onStopSignal(
    (signal) => {
      logger.info("Received signal; shutting down", { signal });
      void operator?.stop();
    },
    (signal) => {
      logger.warn("Received a second signal; exiting now", { signal });
      process.exit(1);
    },
  );

  const end = await operator.done;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
  if (end === "lost") {
    logger.error("Exited after losing the leader lease", { identity: o.identity });
    return 1;
  }
  logger.info("Stopped operator", { identity: o.identity });
  return 0;
}

process.exitCode = await main();
