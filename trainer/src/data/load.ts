import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { err, failure, FailureError, ok, type Failure, type Result } from "../../../common/result.ts";
import { readAclImdbArchive, readAclImdbDirectory } from "./aclimdb.ts";
import type { ColumnOptions } from "./columns.ts";
import { DataReason, type Dataset } from "./dataset.ts";
import { cacheDirectory, downloadVerified, type DownloadProgress } from "./download.ts";
import { IMDB_PATH_ENV, IMDB_PATH_FIX, resolveImdb } from "./imdb.ts";
import { readCsvDataset, readJsonlDataset } from "./tabular.ts";
import type { Progress } from "../progress.ts";

export const DATA_FORMATS = ["aclImdb", "csv", "jsonl"] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export interface DataOptions extends ColumnOptions {
  /** @default inferred from the file name, else from the content */
  readonly format?: DataFormat | undefined;
  /** Refuse the data unless the file (or, for a directory, its reviews) has this sha256. */
  readonly sha256?: string | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly progress?: DownloadProgress | undefined;
  readonly fetch?: typeof fetch | undefined;
}

const USAGE = `pass --data imdb, an aclImdb directory or .tar.gz, a .csv or a .jsonl file`;

/**
 * What to fix when `data` cannot be read: $SENTIMENT_IMDB_PATH when the data came from it (`npm
 * start` and `--data imdb` read it; they take no --data), else --data.
 */
const fix = (source: string, options: DataOptions): string =>
  source === "imdb" || (source !== "" && (options.env ?? process.env)[IMDB_PATH_ENV] === source)
    ? IMDB_PATH_FIX
    : USAGE;

/**
 * Loads `data`: `imdb` (see resolveImdb), an http(s) URL (downloaded to the cache), or a local
 * directory / file. Every refusal is a one-line message naming the file and what to do.
 */
export async function loadDataset(
  data: string,
  options: DataOptions = {},
): Promise<Result<Dataset, Failure>> {
  try {
    const dataset = await load(data, options);
    if (options.sha256 !== undefined && dataset.sha256 !== options.sha256) {
      return err(
        failure(
          DataReason.Invalid,
          `${data} has sha256 ${dataset.sha256}, expected ${options.sha256}: check the file, or update the expected sha256.`,
        ),
      );
    }
    return ok(dataset);
  } catch (e) {
    if (e instanceof FailureError) return err(failure(e.reason, e.message));
    const code = (e as NodeJS.ErrnoException).code;
    return err(
      failure(
        DataReason.Invalid,
        `Could not read ${data} (${code ?? (e as Error).message}): check the path and its permissions.`,
      ),
    );
  }
}

async function load(data: string, options: DataOptions): Promise<Dataset> {
  const progress = (f: number): void => options.progress?.(f, "reading");
  if (data.trim() === "") throw new FailureError(DataReason.NotFound, `--data is empty: ${USAGE}.`);
  if (data === "imdb") {
    const path = await resolveImdb({ env: options.env, progress: options.progress, fetch: options.fetch });
    return readPath(path, "imdb", { ...options, format: options.format ?? "aclImdb" }, progress);
  }
  if (/^https?:\/\//.test(data)) {
    const name = basename(new URL(data).pathname) || "data";
    const target = join(
      cacheDirectory(options.env),
      "downloads",
      createHash("sha256").update(data).digest("hex").slice(0, 16),
      name,
    );
    const path = await downloadVerified({
      url: data,
      target,
      sha256: options.sha256,
      offlineHint: `download the file yourself and pass its path with --data.`,
      progress: options.progress,
      fetch: options.fetch,
    });
    return readPath(path, data, options, progress);
  }
  return readPath(data, data, options, progress);
}

async function readPath(
  path: string,
  source: string,
  options: DataOptions,
  progress: (f: number) => void,
): Promise<Dataset> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) {
    const what =
      source === path && (options.env ?? process.env)[IMDB_PATH_ENV] === path
        ? `${IMDB_PATH_ENV}=${path}`
        : path;
    throw new FailureError(DataReason.NotFound, `${what} does not exist: ${fix(source, options)}.`);
  }
  if (info.isDirectory()) {
    if (options.format !== undefined && options.format !== "aclImdb") {
      throw new FailureError(
        DataReason.UnsupportedFormat,
        `${path} is a directory, but --format is ${options.format}: pass the ${options.format} file itself.`,
      );
    }
    return readAclImdbDirectory(path, source, progress);
  }
  if (info.size === 0) throw new FailureError(DataReason.Empty, `${path} is empty: ${fix(source, options)}.`);
  const format = options.format ?? (await detectFormat(path));
  switch (format) {
    case "aclImdb":
      return readAclImdbArchive(path, source, progress);
    case "csv":
      return readCsvDataset(path, source, options);
    case "jsonl":
      return readJsonlDataset(path, source, options);
  }
}

/** From the file name, else from the first bytes: gzip magic, `{` (JSONL), other text (CSV). */
async function detectFormat(path: string): Promise<DataFormat> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) return "aclImdb";
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  const handle = await open(path);
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    const bytes = head.subarray(0, bytesRead);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) return "aclImdb";
    if (bytes.includes(0)) {
      throw new FailureError(DataReason.NotText, `${path} is binary data, not a dataset: ${USAGE}.`);
    }
    return bytes.toString("utf8").trimStart().startsWith("{") ? "jsonl" : "csv";
  } finally {
    await handle.close();
  }
}

/** Where a train or evaluate command's data comes from: its `--data` and the flags that shape it. */
export interface DataSelection extends ColumnOptions {
  readonly data: string;
  readonly format?: DataFormat | undefined;
  readonly sha256?: string | undefined;
}

/**
 * The dataset a command's config names, read with a progress bar that is closed afterwards, or
 * `preloaded` when the caller already read it (several models trained on one read).
 */
export async function loadSelectedDataset(
  selection: DataSelection,
  options: Pick<DataOptions, "env" | "fetch"> & {
    readonly preloaded?: Dataset | undefined;
    readonly progress: Progress;
  },
): Promise<Result<Dataset, Failure>> {
  if (options.preloaded !== undefined) return ok(options.preloaded);
  const { progress } = options;
  const loaded = await loadDataset(selection.data, {
    format: selection.format,
    sha256: selection.sha256,
    textColumn: selection.textColumn,
    labelColumn: selection.labelColumn,
    env: options.env,
    fetch: options.fetch,
    progress: (f, label) => progress.update(label, f),
  });
  progress.done();
  return loaded;
}
