import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { createLogger } from "../../common/log.ts";
import { parseCli, USAGE, type RunOptions } from "./cli.ts";
import { Operator } from "./operator.ts";
import { createProbeApp } from "./server/app.ts";

const IN_CLUSTER_NAMESPACE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/** `sentiment-operator run`: parse, connect, serve probes and metrics, run until a signal. */
async function main(): Promise<number> {
  const parsed = parseCli(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    console.error(`sentiment-operator: ${parsed.error.message}`);
    return 2;
  }
  if (parsed.value.command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  return run(parsed.value.options);
}

function loadKubeConfig(o: RunOptions): KubeConfig {
  const kc = new KubeConfig();
  if (o.kubeconfig !== undefined) kc.loadFromFile(o.kubeconfig);
  else kc.loadFromDefault();
  if (o.context !== undefined) kc.setCurrentContext(o.context);
  return kc;
}

async function run(o: RunOptions): Promise<number> {
  const logger = createLogger({ component: "operator", level: o.logLevel });
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = loadKubeConfig(o);
  } catch (e) {
    logger.error("Failed to load the kubeconfig", {
      error: (e as Error).message,
      hint: "pass --kubeconfig or run in a cluster",
    });
    return 2;
  }
  let leNamespace = o.leaderElectionNamespace;
  if (o.leaderElect && leNamespace === undefined && existsSync(IN_CLUSTER_NAMESPACE)) {
    leNamespace = readFileSync(IN_CLUSTER_NAMESPACE, "utf8").trim();
  }
  if (o.leaderElect && leNamespace === undefined) {
    logger.error("Failed to start leader election", {
      error: "no namespace for the Lease",
      hint: "pass --leader-election-namespace or set POD_NAMESPACE",
    });
    return 2;
  }

  const operator = await Operator.start({
    kubeConfig,
    config: o.config,
    identity: o.identity,
    logger,
    workers: o.workers,
    resyncPeriodMs: o.resyncPeriodMs,
    ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
    ...(o.leaderElect && leNamespace !== undefined
      ? { leaderElection: { namespace: leNamespace, name: o.leaderElectionId } }
      : {}),
  });
  const app = createProbeApp({ registry: operator.metrics.registry, readiness: () => operator.readiness() });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(o.metricsPort, o.metricsHost, () => resolve(s));
    s.on("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info("Started operator", {
    server: kubeConfig.getCurrentCluster()?.server,
    namespace: o.namespace ?? "(all)",
    leaderElect: o.leaderElect,
    identity: o.identity,
    metricsPort: port,
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      logger.warn("Received a second signal; exiting now", { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info("Received signal; shutting down", { signal });
    void operator.stop();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));

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
