import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import type { LabeledText } from "../models/types.ts";
import { FailureError } from "../../../common/result.ts";
import { checkBothClasses, DataReason, dataError, type Dataset } from "./dataset.ts";
import { decodeText } from "./decode.ts";

/**
 * The official aclImdb layout (Maas et al. 2011): `aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt`,
 * read from the directory or streamed from the `.tar.gz` (no extraction). Everything else in the
 * layout (unsup/, *.feat, urls) is skipped. Reviews come out sorted by split, label and file name,
 * so the order never depends on the archive or the file system.
 */
const REVIEW = /(?:^|\/)(train|test)\/(pos|neg)\/([^/]+\.txt)$/;

export type Progress = (fraction: number) => void;

interface Review {
  readonly split: "train" | "test";
  readonly key: string; // "neg/123_4.txt", sorts the split
  readonly example: LabeledText;
}

function toDataset(source: string, sha256: string, path: string, reviews: Review[]): Dataset {
  const bySplit = (split: "train" | "test"): LabeledText[] =>
    reviews
      .filter((r) => r.split === split)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((r) => r.example);
  const train = bySplit("train");
  const test = bySplit("test");
  if (train.length === 0) {
    throw dataError(
      DataReason.Invalid,
      `${path} holds no aclImdb/train/{pos,neg}/*.txt reviews: pass the aclImdb directory or aclImdb_v1.tar.gz.`,
    );
  }
  checkBothClasses(path, train, "training");
  if (test.length > 0) checkBothClasses(path, test, "test");
  return { source, sha256, train, test: test.length > 0 ? test : undefined };
}

function review(name: string, bytes: Uint8Array, where: string): Review | undefined {
  const m = REVIEW.exec(name);
  if (!m) return undefined;
  const [, split, label, file] = m as unknown as [string, "train" | "test", "pos" | "neg", string];
  return {
    split,
    key: `${label}/${file}`,
    example: { text: decodeText(bytes, where), label: label === "pos" ? 1 : 0 },
  };
}

/** Streams `path` (.tar.gz) through gunzip and tar, keeping only the reviews. */
export async function readAclImdbArchive(
  path: string,
  source: string,
  progress?: Progress,
): Promise<Dataset> {
  const size = (await stat(path)).size;
  if (size === 0) throw dataError(DataReason.Empty, `${path} is empty: download the archive again.`);
  const hash = createHash("sha256");
  let read = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      read += chunk.length;
      progress?.(read / size);
      done(null, chunk);
    },
  });
  const extract = tar.extract();
  const reviews: Review[] = [];
  const pump = pipeline(createReadStream(path), meter, createGunzip(), extract);
  pump.catch(() => undefined); // surfaced below, through the iterator or `await pump`
  try {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const r = review(entry.header.name, Buffer.concat(chunks), `${path} (${entry.header.name})`);
      if (r) reviews.push(r);
    }
    await pump;
  } catch (e) {
    if (e instanceof FailureError) throw e;
    throw archiveError(path, e as NodeJS.ErrnoException);
  }
  return toDataset(source, hash.digest("hex"), path, reviews);
}

function archiveError(path: string, e: NodeJS.ErrnoException): FailureError {
  const msg = e.message;
  if (e.code === "Z_DATA_ERROR" || /incorrect header check|invalid/i.test(msg)) {
    return dataError(
      DataReason.NotText,
      `${path} is not a gzip-compressed tar archive (${msg}): pass aclImdb_v1.tar.gz, an aclImdb directory, CSV or JSONL.`,
    );
  }
  if (e.code === "Z_BUF_ERROR" || /unexpected end|premature|truncated/i.test(msg)) {
    return dataError(DataReason.Truncated, `${path} is truncated (${msg}): download the archive again.`);
  }
  return dataError(
    DataReason.Invalid,
    `${path} could not be read as an aclImdb archive (${msg}): download it again.`,
  );
}

/** Reads `path` (the aclImdb directory or its parent). */
export async function readAclImdbDirectory(
  path: string,
  source: string,
  progress?: Progress,
): Promise<Dataset> {
  const root = (await stat(join(path, "train")).catch(() => undefined)) ? path : join(path, "aclImdb");
  const names: string[] = [];
  for (const split of ["train", "test"]) {
    for (const label of ["pos", "neg"]) {
      const files = await readdir(join(root, split, label)).catch(() => [] as string[]);
      for (const f of files) if (f.endsWith(".txt")) names.push(`${split}/${label}/${f}`);
    }
  }
  names.sort();
  const hash = createHash("sha256");
  const reviews: (Review | undefined)[] = new Array<Review | undefined>(names.length);
  const contents: Buffer[] = new Array<Buffer>(names.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const i = next++;
      const name = names[i]!;
      const bytes = await readFile(join(root, name));
      contents[i] = bytes;
      reviews[i] = review(name, bytes, join(root, name));
      progress?.(++done / names.length);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  for (let i = 0; i < names.length; i++) hash.update(`${names[i]}\0`).update(contents[i]!);
  return toDataset(
    source,
    hash.digest("hex"),
    path,
    reviews.filter((r) => r !== undefined),
  );
}
