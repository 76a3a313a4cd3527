/**
 * `npm start`: the whole pipeline on this machine, in compose mode: `sentiment-operator compose up`
 * on config/samples/sentimentmodel.yaml and config/samples/trainingrun.yaml. It trains the default
 * architecture on IMDB, evaluates, gates, promotes and serves it behind a front port, with
 * Prometheus when it is built, then prints the URL, a curl line and Prometheus' URL. Ctrl-C stops
 * everything; the state (.sentiment-compose/) is kept, so the next `npm start` serves at once.
 *
 * Data: $SENTIMENT_IMDB_PATH, else ../shared/datasets/aclImdb_v1_labeled.tar.gz next to the
 * repository when present, else the official download (`--data imdb`, cached).
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { composeUp } from "../operator/src/compose/cli.ts";
import { IMDB_PATH_ENV, IMDB_PATH_FIX } from "../trainer/src/data/imdb.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(root, "..", "shared", "datasets", "aclImdb_v1_labeled.tar.gz");
if (!process.env[IMDB_PATH_ENV] && existsSync(shared)) process.env[IMDB_PATH_ENV] = shared;
const data = process.env[IMDB_PATH_ENV];
// Checked here, before anything is stored: a run that could only fail would stay in the state.
if (data && !existsSync(data)) {
  console.error(`error: ${IMDB_PATH_ENV}=${data} does not exist: ${IMDB_PATH_FIX}.`);
  process.exit(2);
}
console.error(
  `Starting compose mode: training on ${data ? data : "the IMDB download"}, then serving. Ctrl-C stops.`,
);
try {
  process.exitCode = await composeUp({
    stateDir: process.env["SENTIMENT_OPERATOR_STATE_DIR"] || join(root, ".sentiment-compose"),
    namespace: "default",
    file: [join(root, "config/samples/sentimentmodel.yaml"), join(root, "config/samples/trainingrun.yaml")],
    metricsPort: "0",
    address: "127.0.0.1",
    prometheus: true,
    logLevel: process.env["LOG_LEVEL"] ?? "warn",
  });
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exitCode = 1;
}
