/**
 * Worker thread for `encodeInParallel`: tokenizes its share of the texts with basic_english and
 * counts tokens with provisional ids. Sends back only the distinct tokens, their counts and the
 * ids (transferred, not copied).
 */
import { parentPort, workerData } from "node:worker_threads";
import { TokenCounter } from "../../../common/text/token-counter.ts";
import { basicEnglish } from "../../../common/text/tokenizer.ts";

const texts = (workerData as { texts: readonly string[] }).texts;
const counter = new TokenCounter();
const offsets = new Int32Array(texts.length + 1);
const docs = texts.map((t, i) => {
  const ids = counter.add(basicEnglish(t));
  offsets[i + 1] = offsets[i]! + ids.length;
  return ids;
});
const flat = new Int32Array(offsets[texts.length]!);
docs.forEach((ids, i) => flat.set(ids, offsets[i]));
const counts = counter.counts();
parentPort?.postMessage({ tokens: counter.tokens, counts, flat, offsets }, [
  counts.buffer,
  flat.buffer,
  offsets.buffer,
]);
