/**
 * sentiment-serve: the only place that listens. Parses flags and environment, starts listening at
 * once (/health answers, /ready is 503 while the model loads), loads the model (logs "Became
 * ready"), then handles
 * SIGHUP (reload model and token), metadata.json version changes (reload) and SIGTERM/SIGINT
 * (drain, exit 0).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { Registry } from "prom-client";
import { createLogger } from "../../common/log.ts";
import { createApp } from "./app.ts";
import { parseConfig } from "./config.ts";
import { createLifecycle, drainAndClose } from "./lifecycle.ts";
import { loadModel } from "../../common/artifact/loader.ts";
import { createModelHolder } from "./model-holder.ts";
import { watchModelVersion } from "./model-watcher.ts";
import { createWorkerLoader } from "./worker-loader.ts";
import { onStopSignal } from "../../common/signals.ts";

const parsed = parseConfig(process.argv.slice(2), process.env);
if (!parsed.ok) {
  console.error(parsed.error.message);
  process.exit(2);
}
if ("print" in parsed.value) {
  process.stdout.write(parsed.value.print);
  process.exit(0);
}
const config = parsed.value.config;
const logger = createLogger({ component: "model-server", level: config.logLevel });

async function readToken(): Promise<string | undefined> {
  if (config.authTokenFile === undefined) return config.authToken;
  const token = (await readFile(config.authTokenFile, "utf8")).trim();
  if (token === "") throw new Error(`the token file ${config.authTokenFile} is empty`);
  return token;
}

let token: string | undefined;
try {
  token = await readToken();
} catch (e) {
  console.error(
    `sentiment-serve: Cannot read the auth token: ${(e as Error).message}. Fix --auth-token-file (SENTIMENT_SERVE_AUTH_TOKEN_FILE).`,
  );
  process.exit(2);
}

let stopping = false;
const holder = createModelHolder(
  config.predictInWorker
    ? createWorkerLoader({
        onCrash: (dir, error) => {
          logger.error("Model worker stopped, reloading model", { dir, error: error.message });
          if (!stopping) void holder.load(config.modelDir);
        },
      })
    : loadModel,
);
const lifecycle = createLifecycle();
const app = createApp({
  holder,
  registry: new Registry(),
  logger,
  config,
  lifecycle,
  authToken: () => token,
});
const handle = app.callback();
const server = createServer((req, res) => void handle(req, res));
server.keepAliveTimeout = 65_000; // above common load-balancer idle timeouts
server.headersTimeout = 66_000;
server.requestTimeout = 30_000; // a client trickling a body cannot hold a connection for long

server.on("error", (e) => {
  logger.error("Failed to listen", { host: config.host, port: config.port, error: e.message });
  process.exit(1);
});
await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
const address = server.address() as AddressInfo;
// Listening first, so /health answers while the model loads; "Became ready" follows the load.
logger.info("Started listening, loading model", {
  host: address.address,
  port: address.port,
  modelDir: config.modelDir,
  auth: token !== undefined,
  microBatchMs: config.microBatchMs,
  microBatchSize: config.microBatchSize,
  predictInWorker: config.predictInWorker,
  pid: process.pid,
});

let stopWatching = (): void => undefined;

process.on("SIGHUP", () => {
  if (stopping) return;
  logger.info("Received SIGHUP, reloading model", { dir: config.modelDir });
  void holder.load(config.modelDir);
  if (config.authTokenFile !== undefined) {
    readToken().then(
      (t) => {
        token = t;
        logger.info("Reloaded auth token", { file: config.authTokenFile });
      },
      (e: unknown) =>
        logger.error("Failed to reload auth token, keeping the old one", { error: (e as Error).message }),
    );
  }
});

const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  stopWatching();
  logger.info("Received signal, draining", {
    signal,
    inFlight: lifecycle.inFlight(),
    delayMs: config.shutdownDelayMs,
  });
  const outcome = await drainAndClose({
    server,
    lifecycle,
    delayMs: config.shutdownDelayMs,
    timeoutMs: config.shutdownTimeoutMs,
  });
  holder.close();
  logger.info("Stopped server", { drained: outcome.drained, abandoned: outcome.abandoned });
  process.exit(0);
};
onStopSignal((signal) => void stop(signal));

const first = await holder.load(config.modelDir);
if (!first.ok && !stopping) {
  // No model to fall back to: a server that can never be ready is better replaced by a restart.
  console.error(`sentiment-serve: Cannot load ${config.modelDir}: ${first.error.message}`);
  process.exit(1);
}
if (first.ok && !stopping) {
  logger.info("Became ready", {
    port: address.port,
    model: first.value.metadata.name,
    version: first.value.metadata.version,
  });
}
if (config.reloadIntervalMs > 0 && !stopping) {
  stopWatching = watchModelVersion({
    dir: config.modelDir,
    intervalMs: config.reloadIntervalMs,
    servingVersion: () => holder.current()?.metadata.version,
    onNewVersion: async (version) => {
      logger.info("Detected new model version", { dir: config.modelDir, version });
      return holder.load(config.modelDir);
    },
  });
}
