/**
 * `npm start`: until compose mode lands, trains the default architecture on IMDB into
 * ./models/<version> and prints the metrics as a table.
 *
 * Data: $SENTIMENT_IMDB_PATH, else ../shared/datasets/aclImdb_v1_labeled.tar.gz next to the
 * repository when present, else the official download (`--data imdb`, cached).
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "../common/log.ts";
import { DEFAULT_ARCHITECTURE } from "../common/hyperparameters.ts";
import { formatMetricsTable } from "../trainer/src/cli/report.ts";
import { IMDB_PATH_ENV } from "../trainer/src/data/imdb.ts";
import { createProgress } from "../trainer/src/progress.ts";
import { train } from "../trainer/src/train.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolve(root, "..", "shared", "datasets", "aclImdb_v1_labeled.tar.gz");
const data = process.env[IMDB_PATH_ENV] || (existsSync(shared) ? shared : "imdb");
const models = join(root, "models");
const pending = join(models, `.pending-${process.pid}`);

console.error(`Training ${DEFAULT_ARCHITECTURE} on ${data === "imdb" ? "the IMDB download" : data}...`);
await mkdir(models, { recursive: true });
const result = await train(
  { data, out: pending },
  {
    logger: createLogger({
      component: "start",
      pretty: process.stderr.isTTY,
      level: process.env["LOG_LEVEL"] ?? "warn",
    }),
    progress: createProgress({ stream: process.stderr }),
  },
);
if (!result.ok) {
  console.error(`error: ${result.error.message}`);
  await rm(pending, { recursive: true, force: true });
  process.exit(1);
}
const r = result.value;
const target = join(models, r.metadata.version);
await rename(pending, target);
const where = relative(process.cwd(), target) || ".";
console.log(`
Model ${r.metadata.name} ${r.metadata.version}: ${r.metadata.architecture} (${r.metadata.backend}), written to ${where}
Data: ${r.metadata.dataset.source} (${r.metadata.dataset.trainSize} train, ${r.metadata.dataset.validationSize} validation, ${r.metadata.dataset.testSize} test)
Time: ${r.metadata.metrics.trainSeconds.toFixed(1)} s training, ${r.seconds.toFixed(1)} s in all

${formatMetricsTable({ validation: r.validation, test: r.test })}

Evaluate again: npx sentiment-train evaluate --model ${where} --data ${data}
Serve it:       npx sentiment-serve --model ${where}`);
