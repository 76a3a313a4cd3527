/**
 * Small real inputs for tests: aclImdb trees and archives, CSV and JSONL files, written to a
 * temporary directory. Not test files themselves, so other test files can import them.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export interface Review {
  readonly split: "train" | "test";
  readonly label: "pos" | "neg";
  readonly text: string;
}

const POS = [
  "A wonderful, moving film. Great acting!",
  "I loved it: brilliant and funny.",
  "Superb story, great cast, loved every minute.",
];
const NEG = [
  "A dull, boring mess. Awful acting.",
  "I hated it; terrible and slow.",
  "Worst plot ever, bad cast, boring.",
];

/** `perClass` reviews for each split and label, cycling through short fixed texts. */
export function reviews(perClass = 6): Review[] {
  const out: Review[] = [];
  for (const split of ["train", "test"] as const) {
    for (const label of ["pos", "neg"] as const) {
      const texts = label === "pos" ? POS : NEG;
      for (let i = 0; i < perClass; i++)
        out.push({ split, label, text: `${texts[i % texts.length]} (${split} ${i})<br /><br />End.` });
    }
  }
  return out;
}

const fileName = (r: Review, i: number): string =>
  `aclImdb/${r.split}/${r.label}/${i}_${r.label === "pos" ? 8 : 2}.txt`;

/** An aclImdb directory tree under `root` (plus the README and a file to skip). */
export async function writeAclImdbTree(root: string, rs: readonly Review[] = reviews()): Promise<string> {
  for (const [i, r] of rs.entries()) {
    const path = join(root, fileName(r, i));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, r.text);
  }
  await writeFile(join(root, "aclImdb", "README"), "Large Movie Review Dataset v1.0");
  await mkdir(join(root, "aclImdb", "train", "unsup"), { recursive: true });
  await writeFile(join(root, "aclImdb", "train", "unsup", "0_0.txt"), "unlabelled, skipped");
  return join(root, "aclImdb");
}

/** The bytes of an aclImdb .tar.gz holding `rs`. */
export async function aclImdbArchive(rs: readonly Review[] = reviews()): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: "aclImdb/README" }, "Large Movie Review Dataset v1.0");
  for (const [i, r] of rs.entries()) pack.entry({ name: fileName(r, i) }, r.text);
  pack.entry({ name: "aclImdb/train/unsup/0_0.txt" }, "unlabelled, skipped");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

/** A temporary directory for the duration of `fn`. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "sentiment-test-"));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The shared IMDB archive for integration tests; fails with what to set when it is missing. */
export function imdbArchivePath(): string {
  const path = process.env["SENTIMENT_IMDB_PATH"];
  if (path === undefined || path === "") {
    throw new Error(
      "SENTIMENT_IMDB_PATH is not set: point it at aclImdb_v1_labeled.tar.gz (e.g. ../shared/datasets/aclImdb_v1_labeled.tar.gz); .ci/run sets it.",
    );
  }
  return path;
}
