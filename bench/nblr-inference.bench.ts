/**
 * nblr inference speed: raw review text -> P(positive), one review per call and batches of 64, on
 * real IMDB test reviews (SENTIMENT_IMDB_PATH). Prints µs per review (wall clock, and CPU time of
 * the process), then checks that the fast path's logits and probabilities are bit-identical to
 * the straightforward path's on every review read (exit code 1 otherwise).
 *
 *   npm run bench:nblr -- [--model <dir>] [--reviews 5000] [--rounds 3] [--reference]
 *
 * --reviews 25000 reads the whole IMDB test split. --reference times the straightforward path
 * instead (string tokens, Map lookups, `forEachFeature`: the implementation before the fast
 * scorer), for before/after figures. Without --model it uses the serve bench's cached default
 * model (trained once on IMDB).
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

interface Timing {
  wall: number;
  cpu: number;
}

/** µs per review of `run`: wall clock and process CPU time (user + system). */
async function timed(run: () => Promise<void>): Promise<Timing> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return {
    wall: Number(process.hrtime.bigint() - start) / 1e3 / reviews.length,
    cpu: (used.user + used.system) / reviews.length,
  };
}

const single = (): Promise<Timing> =>
  timed(async () => {
    for (const r of reviews) await predict([r]);
  });
const batched = (size: number): Promise<Timing> =>
  timed(async () => {
    for (let i = 0; i < reviews.length; i += size) await predict(reviews.slice(i, i + size));
  });

/** Reviews whose fast logit or probability differs (to the bit) from the straightforward path's. */
async function differing(): Promise<number> {
  const probabilities = await model.predictProba(reviews);
  let count = 0;
  for (let i = 0; i < reviews.length; i++) {
    const reference = model.referenceScore(reviews[i]!);
    const same =
      Object.is(model.score(reviews[i]!), reference) &&
      Object.is(probabilities[i], 1 / (1 + Math.exp(-reference)));
    if (!same) count++;
  }
  return count;
}

await single(); // warm-up
const singles: Timing[] = [];
const batches: Timing[] = [];
for (let r = 0; r < rounds; r++) {
  singles.push(await single());
  batches.push(await batched(64));
}
const best = (xs: number[]): string => Math.min(...xs).toFixed(1);
const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
const summary = (ts: Timing[]): string => {
  const wall = ts.map((t) => t.wall);
  const cpu = ts.map((t) => t.cpu);
  return `${median(wall)} µs/review median (best ${best(wall)}); CPU ${median(cpu)} µs/review median (best ${best(cpu)}) over ${rounds} rounds`;
};
console.log(
  `Model: ${description}. ${reviews.length} IMDB test reviews, mean ${meanChars.toFixed(0)} chars.`,
);
console.log(`single review:   ${summary(singles)}`);
console.log(`batch of 64:     ${summary(batches)}`);
const wrong = await differing();
console.log(
  wrong === 0
    ? `bit-identical:   all ${reviews.length} logits and probabilities equal the straightforward path's`
    : `NOT bit-identical: ${wrong} of ${reviews.length} reviews differ from the straightforward path`,
);
if (wrong > 0) process.exitCode = 1;
