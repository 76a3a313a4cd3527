import { NgramTable, packHi, packLo } from "../../../../common/models/ngram-table.ts";
import { IntBuffer, type SparseRows } from "./sparse.ts";

export interface NgramFeatures {
  /** The kept bigrams/trigrams; feature `vocabularySize + i` is the table's key i. */
  readonly table: NgramTable;
  /** Distinct features of each training document (unigrams are token indices). */
  readonly rows: SparseRows;
}

/**
 * Counts the distinct n-grams (orders 2..`order`) of the training documents and keeps those that
 * occur in at least `minCount` documents; every token of the vocabulary is a unigram feature.
 * Deterministic: n-grams are numbered in order of first occurrence.
 */
export function buildNgramFeatures(
  docs: readonly Int32Array[],
  vocabularySize: number,
  order: number,
  minCount: number,
  progress?: (fraction: number) => void,
): NgramFeatures {
  const counting = new NgramTable(1 << 20);
  let df: Int32Array<ArrayBuffer> = new Int32Array(1 << 20);
  let stamp: Int32Array<ArrayBuffer> = new Int32Array(1 << 20);
  const uniStamp = new Int32Array(vocabularySize);
  const raw = new IntBuffer(1 << 22);
  const rowPtr = new Int32Array(docs.length + 1);
  const v = vocabularySize;
  const uniDf = new Int32Array(v);

  const see = (id: number, gen: number): void => {
    if (id >= df.length) {
      const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
        const g = new Int32Array(a.length * 2);
        g.set(a);
        return g;
      };
      df = grow(df);
      stamp = grow(stamp);
    }
    if (stamp[id] !== gen) {
      stamp[id] = gen;
      df[id]!++;
      raw.push(v + id);
    }
  };

  for (let d = 0; d < docs.length; d++) {
    const ids = docs[d]!;
    const gen = d + 1;
    for (let i = 0; i < ids.length; i++) {
      const c = ids[i]!;
      if (uniStamp[c] !== gen) {
        uniStamp[c] = gen;
        uniDf[c]!++;
        raw.push(c);
      }
      if (order >= 2 && i >= 1) {
        const b = ids[i - 1]!;
        see(counting.insert(packHi(-1, b), packLo(b, c)), gen);
        if (order >= 3 && i >= 2) see(counting.insert(packHi(ids[i - 2]!, b), packLo(b, c)), gen);
      }
    }
    rowPtr[d + 1] = raw.length;
    if ((d & 1023) === 0) progress?.(d / docs.length);
  }

  // Keep n-grams seen in >= minCount documents, renumbered densely in first-occurrence order.
  const all = counting.keys();
  const remap = new Int32Array(all.hi.length).fill(-1);
  let kept = 0;
  for (let i = 0; i < all.hi.length; i++) if (df[i]! >= minCount) remap[i] = kept++;
  const hi = new Uint32Array(kept);
  const lo = new Uint32Array(kept);
  for (let i = 0; i < all.hi.length; i++) {
    const r = remap[i]!;
    if (r >= 0) {
      hi[r] = all.hi[i]!;
      lo[r] = all.lo[i]!;
    }
  }
  const table = NgramTable.fromKeys(hi, lo);

  const rawCols = raw.toArray();
  const cols = new IntBuffer(rawCols.length);
  const outPtr = new Int32Array(docs.length + 1);
  for (let d = 0; d < docs.length; d++) {
    for (let k = rowPtr[d]!; k < rowPtr[d + 1]!; k++) {
      const f = rawCols[k]!;
      if (f < v) cols.push(f);
      else {
        const r = remap[f - v]!;
        if (r >= 0) cols.push(v + r);
      }
    }
    outPtr[d + 1] = cols.length;
  }
  progress?.(1);
  return { table, rows: { rowPtr: outPtr, cols: cols.toArray() } };
}
