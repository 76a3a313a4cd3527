import { writeSync } from "node:fs";
import type { Writable } from "node:stream";
import winston from "winston";
import Transport from "winston-transport";

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly component: string;
  readonly level?: string;
  /** Human-readable lines instead of JSON (CLI on a TTY). @default false */
  readonly pretty?: boolean;
  /** Write nothing. @default false */
  readonly silent?: boolean;
  /** Where JSON lines go (tests capture them). @default stderr, for every level, so stdout stays clean for data */
  readonly stream?: Writable;
}

/** Where winston formats leave the finished line (triple-beam). */
const MESSAGE = Symbol.for("message");

/**
 * One JSON object per line: `timestamp`, `level`, `message`, then the fields in the order given.
 * Built with one `JSON.stringify` of the fields and a timestamp string reused within the same
 * millisecond: about twice as fast as logform's `timestamp()` + `json()` pair, which matters for
 * the model server's one line per request. Values plain JSON cannot encode (cycles, BigInt) fall
 * back to logform's safe encoder.
 */
const jsonLine = winston.format((info) => {
  const { level, message, ...fields } = info;
  const timestamp = isoNow();
  try {
    const rest = JSON.stringify(fields);
    (info as Record<symbol, unknown>)[MESSAGE] =
      `{"timestamp":"${timestamp}","level":${JSON.stringify(level)},"message":${JSON.stringify(message)}` +
      (rest === "{}" ? "}" : `,${rest.slice(1)}`);
  } catch {
    return safeJson.transform(Object.assign(info, { timestamp }), {});
  }
  return info;
});

let isoMs = 0;
let isoText = "";
/** `new Date().toISOString()`, formatted at most once per millisecond. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}
const safeJson = winston.format.json();

/** Transports holding lines not yet written; written synchronously if the process exits first. */
const unflushed = new Set<StderrLines>();
process.once("exit", () => {
  for (const t of unflushed) t.flush(true);
});

/**
 * Writes formatted lines to stderr, gathered per event-loop turn into one write: a
 * busy server logs a line per request, and one system call per line costs more than the line. A
 * transport as winston's docs define them (winston-transport). Kept rather than winston's Console
 * transport on two measurements: with Console, lines logged in the turn of `process.exit` were
 * lost (509 of 1,000 in common/log.test.ts), and a line cost 8.1–11.2 µs of CPU against 4.1–4.3
 * for this logger (`npm run bench:log`, paired runs of 2026-12-06, a busy 2-core machine).
 */
class StderrLines extends Transport {
  #lines: string[] = [];

  override log(info: Record<symbol, unknown>, next: () => void): void {
    if (this.#lines.length === 0) {
      unflushed.add(this);
      setImmediate(() => this.flush(false));
    }
    this.#lines.push(info[MESSAGE] as string);
    next();
  }

  override close(): void {
    this.flush(true);
  }

  flush(sync: boolean): void {
    if (this.#lines.length === 0) return;
    const text = this.#lines.join("\n") + "\n";
    this.#lines = [];
    unflushed.delete(this);
    if (sync) writeAllSync(text);
    else process.stderr.write(text);
  }
}

/** Writes to stderr before the process exits; a full non-blocking pipe (EAGAIN) is retried. */
function writeAllSync(text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(2, rest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") return; // stderr is gone: nothing to do
    }
  }
}

/**
 * The one logger of every program: winston with JSON lines (kubebuilder convention: capitalised,
 * past-tense messages naming the object, structured key/value fields). Everything goes to stderr.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const common = {
    level: opts.level ?? process.env["LOG_LEVEL"] ?? "info",
    defaultMeta: { component: opts.component },
    silent: opts.silent ?? false,
  };
  if (!opts.pretty)
    return winston.createLogger({
      ...common,
      format: jsonLine(),
      transports: [opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new StderrLines()],
    });
  return winston.createLogger({
    ...common,
    format: winston.format.combine(
      winston.format.timestamp({ format: "HH:mm:ss" }),
      winston.format.printf(({ timestamp, level, message, component: _c, ...rest }) => {
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
          .join(" ");
        return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${fields ? " " + fields : ""}`;
      }),
    ),
    // Unbuffered, so lines keep their place among progress bars on the same terminal.
    transports: [
      new winston.transports.Console({
        stderrLevels: ["error", "warn", "info", "http", "verbose", "debug", "silly"],
      }),
    ],
  });
}
