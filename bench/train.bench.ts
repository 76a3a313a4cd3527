/**
 * `npm run bench:train`: trains each architecture on the full IMDB split (25k train with a 10 %
 * validation hold-out, 25k test) and prints test accuracy, F1, wall time and peak RSS, beside the
 * reference (PyTorch BiLSTM: 89 %, F1 0.88).
 *
 *   npm run bench:train [-- --arch nblr] [--bilstm-batches N] [--json]
 *
 * Needs SENTIMENT_IMDB_PATH (or ../shared/datasets/aclImdb_v1_labeled.tar.gz next to the repo).
 * Each architecture runs in its own child process, so its peak RSS is its own. Wall time is the
 * whole `train()` call (reading, preprocessing, training, evaluating, writing); CPU time is also
 * given because the benchmark machine may be shared.
 *
 * Adding an architecture: one entry in BENCHES. A full bilstm epoch takes hours on 2 cores, so its
 * entry measures batches and extrapolates the epoch (bench/bilstm.bench.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { IMDB_PATH_ENV } from "../trainer/src/data/imdb.ts";
import { train } from "../trainer/src/train.ts";

export interface BenchRow {
  readonly architecture: string;
  readonly backend: string;
  /** Test figures; undefined when the architecture was not trained to the end (extrapolated). */
  readonly accuracy: number | undefined;
  readonly f1: number | undefined;
  readonly auc: number | undefined;
  readonly trainSeconds: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
  readonly note: string;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

function dataPath(): string {
  const fromEnv = process.env[IMDB_PATH_ENV];
  if (fromEnv) return fromEnv;
  const shared = resolve(root, "..", "shared", "datasets", "aclImdb_v1_labeled.tar.gz");
  if (existsSync(shared)) return shared;
  throw new Error(`Set ${IMDB_PATH_ENV} to aclImdb_v1_labeled.tar.gz (or aclImdb_v1.tar.gz).`);
}

/** The whole pipeline, as `sentiment-train train` runs it. */
async function benchFullTraining(architecture: string): Promise<BenchRow> {
  const out = await mkdtemp(join(tmpdir(), `bench-${architecture}-`));
  const started = performance.now();
  const cpuStarted = cpu();
  try {
    const r = await train({
      data: dataPath(),
      out: join(out, "model"),
      architecture: architecture as "nblr",
    });
    if (!r.ok) throw new Error(r.error.message);
    const { test, metadata } = r.value;
    return {
      architecture,
      backend: metadata.backend,
      accuracy: test.accuracy,
      f1: test.f1,
      auc: test.auc,
      trainSeconds: metadata.metrics.trainSeconds,
      wallSeconds: (performance.now() - started) / 1000,
      cpuSeconds: cpu() - cpuStarted,
      peakRssMiB: peakRssMiB(),
      note: `${metadata.dataset.trainSize} train / ${metadata.dataset.validationSize} validation / ${metadata.dataset.testSize} test; best epoch ${JSON.stringify(metadata.hyperparameters["bestEpoch"] ?? "-")}`,
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/** The bilstm hook: batches measured, epoch extrapolated (bench/bilstm.bench.ts owns the details). */
async function benchBilstmRow(batches: number | undefined): Promise<BenchRow> {
  const { benchBilstm } = await import("./bilstm.bench.ts");
  const started = performance.now();
  const cpuStarted = cpu();
  const f = await benchBilstm(batches === undefined ? {} : { batches });
  return {
    architecture: "bilstm",
    backend: f.backend,
    accuracy: undefined,
    f1: undefined,
    auc: undefined,
    trainSeconds: f.epochSeconds,
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: cpu() - cpuStarted,
    peakRssMiB: f.peakRssMiB,
    note: `${(f.epochSeconds / 60).toFixed(0)} min/epoch extrapolated from ${f.measuredBatches} batches (${(f.epochCpuSeconds / 60).toFixed(0)} min CPU); not trained to the end`,
  };
}

/** Architectures benchmarked by default, in order. */
export const BENCHES: Record<string, (options: { bilstmBatches?: number | undefined }) => Promise<BenchRow>> =
  {
    nblr: () => benchFullTraining("nblr"),
    bilstm: (o) => benchBilstmRow(o.bilstmBatches),
  };

const pct = (x: number | undefined): string => (x === undefined ? "—" : `${(x * 100).toFixed(2)} %`);
const f4 = (x: number | undefined): string => (x === undefined ? "—" : x.toFixed(4));

export function formatRows(rows: readonly BenchRow[]): string {
  const header = [
    "architecture",
    "backend",
    "test acc",
    "F1",
    "AUC",
    "train s",
    "wall s",
    "CPU s",
    "peak RSS MiB",
    "note",
  ];
  const cells = [
    [
      "reference (PyTorch BiLSTM)",
      "-",
      "89 %",
      "0.88",
      "-",
      "-",
      "-",
      "-",
      "-",
      "figure from the system we replace",
    ],
    ...rows.map((r) => [
      r.architecture,
      r.backend,
      pct(r.accuracy),
      f4(r.f1),
      f4(r.auc),
      r.trainSeconds.toFixed(1),
      r.wallSeconds.toFixed(1),
      r.cpuSeconds.toFixed(1),
      r.peakRssMiB.toFixed(0),
      r.note,
    ]),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      arch: { type: "string", multiple: true },
      "bilstm-batches": { type: "string" },
      json: { type: "boolean" },
      child: { type: "string" },
    },
  });
  const bilstmBatches = values["bilstm-batches"] === undefined ? undefined : Number(values["bilstm-batches"]);
  if (values.child !== undefined) {
    // One architecture, in this process: print its row as JSON for the parent.
    const bench = BENCHES[values.child];
    if (bench === undefined) throw new Error(`No benchmark for ${values.child}`);
    console.log(JSON.stringify(await bench({ bilstmBatches })));
  } else {
    const archs = values.arch ?? Object.keys(BENCHES);
    const rows: BenchRow[] = [];
    for (const arch of archs) {
      console.error(`Benchmarking ${arch}...`);
      const args = [
        fileURLToPath(import.meta.url),
        "--child",
        arch,
        ...(bilstmBatches === undefined ? [] : ["--bilstm-batches", String(bilstmBatches)]),
      ];
      const child = spawnSync(process.execPath, args, {
        stdio: ["ignore", "pipe", "inherit"],
        encoding: "utf8",
        maxBuffer: 1 << 24,
      });
      if (child.status !== 0) {
        console.error(`The ${arch} benchmark failed (exit ${child.status}).`);
        process.exitCode = 1;
        continue;
      }
      rows.push(JSON.parse(child.stdout.trim().split("\n").at(-1)!) as BenchRow);
    }
    console.log(
      values.json === true
        ? JSON.stringify(rows, null, 2)
        : `\n${formatRows(rows)}\n\nMeasured ${new Date().toISOString()} on ${process.platform}/${process.arch}, Node ${process.version}.`,
    );
  }
}
