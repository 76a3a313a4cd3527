/**
 * The reference bilstm on the full IMDB train split: time per batch and time per epoch,
 * extrapolated from measured batches (a full epoch takes on the order of an hour on 2 cores).
 *
 *   npx node bench/bilstm.bench.ts [--batches N] [--json]
 *
 * Needs SENTIMENT_IMDB_PATH. `bench/train.bench.ts` can call `benchBilstm()` for its bilstm row.
 *
 * What is measured, with the reference settings (embedding 100, 2 × BiLSTM 256, dropout 0.5,
 * batch 64, Adam 1e-3, max length 256, bucketed batches):
 * - data preparation (tokenize, vocabulary from train, encode);
 * - N training steps after one warm-up step, on the first batches of a seeded epoch (a random
 *   sample of the epoch's batches); the epoch is extrapolated by padded token-steps, since a
 *   batch's time grows with its longest review. Both wall time and the process's CPU time are
 *   reported: the wasm backend runs on one thread, so CPU time is what the run would take on an
 *   idle core, while wall time shows the slowdown when the machine is shared;
 * - inference on 512 validation reviews, extrapolated to the validation split and to the 25k test
 *   split;
 * - peak RSS of the process.
 */
import { parseArgs } from "node:util";
import { createLogger } from "../common/log.ts";
import { initTfjs } from "../common/tfjs/init.ts";
import { predictSequences } from "../common/models/bilstm.ts";
import { loadDataset } from "../trainer/src/data/load.ts";
import { deriveSplits } from "../trainer/src/data/splits.ts";
import { bucketedBatches } from "../trainer/src/models/bilstm/batches.ts";
import { BILSTM_DEFAULTS, prepareData, trainBatch } from "../trainer/src/models/bilstm/index.ts";
import { buildBilstmNetwork } from "../trainer/src/models/bilstm/network.ts";
import { seededRandom } from "../trainer/src/random.ts";
import { PREPROCESSING_DEFAULTS, SEED_DEFAULT, VALIDATION_SPLIT_DEFAULT } from "../common/hyperparameters.ts";

export interface BilstmBenchFigures {
  readonly backend: string;
  readonly trainExamples: number;
  readonly validationExamples: number;
  readonly testExamples: number;
  readonly vocabularySize: number;
  readonly parameters: number;
  readonly prepareSeconds: number;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly measuredBatches: number;
  readonly secondsPerBatch: number[];
  readonly meanSecondsPerBatch: number;
  readonly meanCpuSecondsPerBatch: number;
  /** Extrapolated from the measured wall seconds per padded token-step. */
  readonly epochSeconds: number;
  /** The same from CPU seconds: the epoch on an idle core. */
  readonly epochCpuSeconds: number;
  readonly inferenceMsPerReview: number;
  readonly inferenceCpuMsPerReview: number;
  readonly validationPassSeconds: number;
  readonly testPassSeconds: number;
  readonly peakRssMiB: number;
}

export async function benchBilstm(
  options: { batches?: number; log?: (line: string) => void } = {},
): Promise<BilstmBenchFigures> {
  const log = options.log ?? ((line: string) => console.error(line));
  const measured = options.batches ?? 5;
  const path = process.env["SENTIMENT_IMDB_PATH"];
  if (!path)
    throw new Error(
      "Set SENTIMENT_IMDB_PATH to the aclImdb_v1 archive or directory to run the bilstm benchmark.",
    );
  const { tf, backend } = await initTfjs({ logger: createLogger({ component: "bench", silent: true }) });
  const loaded = await loadDataset(path);
  if (!loaded.ok) throw new Error(loaded.error.message);
  const split = deriveSplits(loaded.value, {
    seed: SEED_DEFAULT,
    validationSplit: VALIDATION_SPLIT_DEFAULT,
    testSplit: 0.2,
  });

  let started = performance.now();
  const data = prepareData({
    ...split,
    minFreq: PREPROCESSING_DEFAULTS.minFreq,
    maxLength: PREPROCESSING_DEFAULTS.maxLength,
  });
  const prepareSeconds = (performance.now() - started) / 1000;
  log(
    `Prepared ${split.train.length} train / ${split.validation.length} validation reviews in ${prepareSeconds.toFixed(1)} s; vocabulary ${data.vocabulary.size}`,
  );

  const network = buildBilstmNetwork({
    vocabularySize: data.vocabulary.size,
    embeddingDim: BILSTM_DEFAULTS.embeddingDim,
    hiddenSize: BILSTM_DEFAULTS.hiddenSize,
    layers: BILSTM_DEFAULTS.layers,
    dropout: BILSTM_DEFAULTS.dropout,
    seed: SEED_DEFAULT,
  });
  network.compile({ optimizer: tf.train.adam(BILSTM_DEFAULTS.learningRate), loss: "binaryCrossentropy" });
  const parameters = network.countParams();
  const batchSize = BILSTM_DEFAULTS.batchSize;
  const lengths = data.train.ids.map((ids) => ids.length);
  const batches = bucketedBatches(
    lengths,
    batchSize,
    seededRandom(SEED_DEFAULT),
    BILSTM_DEFAULTS.poolBatches,
  );
  const stepsOf = (rows: readonly number[]): number => Math.max(1, ...rows.map((i) => lengths[i]!));
  log(
    `Built the reference network: ${parameters} parameters, ${batches.length} batches of ${batchSize} per epoch, backend ${backend}`,
  );

  const cpuSeconds = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const secondsPerBatch: number[] = [];
  let cpuTotal = 0;
  let measuredSteps = 0;
  for (let k = 0; k <= measured && k < batches.length; k++) {
    const rows = batches[k]!;
    started = performance.now();
    const cpuStarted = cpuSeconds();
    const loss = await trainBatch(tf, network, data.train, rows);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSeconds() - cpuStarted;
    const label = k === 0 ? "warm-up batch" : `batch ${k}/${measured}`;
    log(
      `${label}: ${rows.length} reviews × ${stepsOf(rows)} steps, loss ${loss.toFixed(4)}, ${seconds.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU`,
    );
    if (k === 0) continue;
    secondsPerBatch.push(seconds);
    cpuTotal += cpu;
    measuredSteps += stepsOf(rows);
  }
  const totalSeconds = secondsPerBatch.reduce((a, b) => a + b, 0);
  const epochSteps = batches.reduce((sum, rows) => sum + stepsOf(rows), 0);
  const epochSeconds = (totalSeconds / measuredSteps) * epochSteps;
  const epochCpuSeconds = (cpuTotal / measuredSteps) * epochSteps;

  const sample = data.validation.ids.slice(0, 512);
  started = performance.now();
  const cpuStarted = cpuSeconds();
  predictSequences(tf, network, sample);
  const inferenceMsPerReview = (performance.now() - started) / sample.length;
  const inferenceCpuMsPerReview = ((cpuSeconds() - cpuStarted) * 1000) / sample.length;
  network.dispose();

  return {
    backend,
    trainExamples: split.train.length,
    validationExamples: split.validation.length,
    testExamples: split.test.length,
    vocabularySize: data.vocabulary.size,
    parameters,
    prepareSeconds,
    batchSize,
    batchesPerEpoch: batches.length,
    measuredBatches: secondsPerBatch.length,
    secondsPerBatch,
    meanSecondsPerBatch: totalSeconds / Math.max(1, secondsPerBatch.length),
    meanCpuSecondsPerBatch: cpuTotal / Math.max(1, secondsPerBatch.length),
    epochSeconds,
    epochCpuSeconds,
    inferenceMsPerReview,
    inferenceCpuMsPerReview,
    validationPassSeconds: (inferenceMsPerReview * split.validation.length) / 1000,
    testPassSeconds: (inferenceMsPerReview * split.test.length) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

export function formatBilstmFigures(f: BilstmBenchFigures): string {
  const min = (s: number): string => `${(s / 60).toFixed(1)} min`;
  return [
    `bilstm (reference: emb 100, 2×BiLSTM 256, dropout 0.5, batch ${f.batchSize}, max length 256) on ${f.backend}`,
    `  train/validation/test      ${f.trainExamples} / ${f.validationExamples} / ${f.testExamples}, vocabulary ${f.vocabularySize}, ${f.parameters} parameters`,
    `  data preparation           ${f.prepareSeconds.toFixed(1)} s`,
    `  time per batch (measured)  ${f.meanSecondsPerBatch.toFixed(2)} s wall, ${f.meanCpuSecondsPerBatch.toFixed(2)} s CPU, mean over ${f.measuredBatches} batches (wall: ${f.secondsPerBatch.map((s) => s.toFixed(1)).join(", ")})`,
    `  time per epoch (extrap.)   ${min(f.epochSeconds)} wall, ${min(f.epochCpuSeconds)} CPU (${f.batchesPerEpoch} batches, by padded token-steps)`,
    `  inference                  ${f.inferenceMsPerReview.toFixed(1)} ms/review wall, ${f.inferenceCpuMsPerReview.toFixed(1)} ms CPU; validation pass ${min(f.validationPassSeconds)}, test pass ${min(f.testPassSeconds)}`,
    `  peak RSS                   ${f.peakRssMiB.toFixed(0)} MiB`,
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { batches: { type: "string" }, json: { type: "boolean" } } });
  const figures = await benchBilstm(values.batches === undefined ? {} : { batches: Number(values.batches) });
  console.log(values.json === true ? JSON.stringify(figures, null, 2) : formatBilstmFigures(figures));
}
