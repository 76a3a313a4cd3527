/**
 * `npm run bench:log`: CPU µs per JSON log line through `logger.info` of common/log.ts (the model
 * server writes one per request). Lines go to stderr: run it with stderr sent to /dev/null, as the
 * npm script does.
 *
 *   npm run bench:log -- [--lines 200000]
 */
import { parseArgs } from "node:util";
import { createLogger } from "../common/log.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "200000" } } });
const count = Number(values.lines);
const logger = createLogger({ component: "bench" });
const log = (i: number): void => {
  logger.info("Served request", { method: "POST", route: "/predict", status: 200, ms: i / 1000 });
};

/** CPU µs per line over `count` lines, written in turns of 64 lines (as a busy server would). */
async function measure(): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < count;) {
    for (const end = Math.min(count, i + 64); i < end; i++) log(i);
    await new Promise((r) => setImmediate(r));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

await measure(); // warm-up
const runs = [await measure(), await measure(), await measure()].sort((a, b) => a - b);
console.log(`logger.info ${runs[1]!.toFixed(2)} µs CPU per line (median of 3 × ${count} lines)`);
