/**
 * `npm run bench:log`: CPU µs per JSON log line, through winston's `logger.info` and through
 * `lineWriter` (the same line without winston's stream pipeline; the model server writes one per
 * request). Lines go to stderr: run it with stderr sent to /dev/null, as the npm script does.
 *
 *   npm run bench:log -- [--lines 200000]
 */
import { parseArgs } from "node:util";
import { createLogger, lineWriter } from "../common/log.ts";

const { values } = parseArgs({ options: { lines: { type: "string", default: "200000" } } });
const count = Number(values.lines);
const logger = createLogger({ component: "bench" });
const fields = (i: number) => ({ method: "POST", route: "/predict", status: 200, ms: i / 1000 });
const write = lineWriter(logger);
const ways: [string, (i: number) => void][] = [
  ["logger.info", (i) => logger.info("Served request", fields(i))],
  ["lineWriter", (i) => write("Served request", fields(i))],
];

/** CPU µs per line over `count` lines, written in turns of 64 lines (as a busy server would). */
async function measure(log: (i: number) => void): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < count;) {
    for (const end = Math.min(count, i + 64); i < end; i++) log(i);
    await new Promise((r) => setImmediate(r)); // lets the transport write the turn's lines
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

for (const [, log] of ways) await measure(log); // warm-up
for (const [name, log] of ways) {
  const runs = [await measure(log), await measure(log), await measure(log)].sort((a, b) => a - b);
  console.log(`${name.padEnd(12)} ${runs[1]!.toFixed(2)} µs CPU per line (median of 3 × ${count} lines)`);
}
