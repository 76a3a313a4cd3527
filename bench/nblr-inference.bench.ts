/**
 * nblr inference speed: raw review text -> P(positive), one review per call and batches of 64, on
 * real IMDB test reviews (SENTIMENT_IMDB_PATH). Prints µs per review.
 *
 *   npm run bench:nblr -- [--model <dir>] [--reviews 5000] [--rounds 3] [--reference]
 *
 * --reference times the straightforward path instead (string tokens, Map lookups,
 * `forEachFeature`: the implementation before the fast scorer), for before/after figures.
 * Without --model it uses the serve bench's cached default model (trained once on IMDB).
 */
import { parseArgs } from "node:util";
import { loadNblrPredictor } from "../common/models/nblr.ts";
import { benchModel, imdbTestReviews } from "../model-server/src/testing/trained-model.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string" },
    reviews: { type: "string", default: "5000" },
    rounds: { type: "string", default: "3" },
    reference: { type: "boolean", default: false },
  },
});
const count = Number(values.reviews);
const rounds = Number(values.rounds);
const { dir, description } = await benchModel(values.model, (m) => console.error(m));
const model = await loadNblrPredictor(dir);
const reviews = await imdbTestReviews(count);
const predict = values.reference
  ? (texts: readonly string[]): Promise<Float64Array> =>
      Promise.resolve(Float64Array.from(texts, (t) => 1 / (1 + Math.exp(-model.referenceScore(t)))))
  : (texts: readonly string[]): Promise<Float64Array> => model.predictProba(texts);
const meanChars = reviews.reduce((a, r) => a + r.length, 0) / reviews.length;

async function single(): Promise<number> {
  const start = process.hrtime.bigint();
  for (const r of reviews) await predict([r]);
  return Number(process.hrtime.bigint() - start) / 1e3 / reviews.length;
}

async function batched(size: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < reviews.length; i += size) await predict(reviews.slice(i, i + size));
  return Number(process.hrtime.bigint() - start) / 1e3 / reviews.length;
}

await single(); // warm-up
const singles: number[] = [];
const batches: number[] = [];
for (let r = 0; r < rounds; r++) {
  singles.push(await single());
  batches.push(await batched(64));
}
const best = (xs: number[]): string => Math.min(...xs).toFixed(1);
const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
console.log(
  `Model: ${description}. ${reviews.length} IMDB test reviews, mean ${meanChars.toFixed(0)} chars.`,
);
console.log(
  `single review:   ${median(singles)} µs/review median (best ${best(singles)}) over ${rounds} rounds`,
);
console.log(
  `batch of 64:     ${median(batches)} µs/review median (best ${best(batches)}) over ${rounds} rounds`,
);
