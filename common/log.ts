import { writeSync } from "node:fs";
import winston from "winston";
import Transport from "winston-transport";

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly component: string;
  readonly level?: string;
  /** Human-readable lines instead of JSON (CLI on a TTY). @default false */
  readonly pretty?: boolean;
  /** Where to write. @default stderr for every level, so stdout stays clean for data. */
  readonly silent?: boolean;
}

/** The keys under which winston keeps the level and formats leave the finished line (triple-beam). */
const LEVEL = Symbol.for("level");
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
 * Writes formatted lines to stderr, gathered per event-loop turn into one write: a busy server
 * logs thousands of lines a second, and one system call per line costs more than the line.
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
 * JSON-lines logger (kubebuilder convention: capitalised, past-tense messages naming the object,
 * structured key/value fields). Everything goes to stderr.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const common = {
    level: opts.level ?? process.env["LOG_LEVEL"] ?? "info",
    defaultMeta: { component: opts.component },
    silent: opts.silent ?? false,
  };
  if (!opts.pretty)
    return winston.createLogger({ ...common, format: jsonLine(), transports: [new StderrLines()] });
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

/** A log call for hot paths: `write(message, fields)`. */
export type LineWriter = (message: string, fields: Readonly<Record<string, unknown>>) => void;

/**
 * `logger[level](message, fields)` for hot paths such as the model server's line per request: the
 * same info object, the logger's own format and transports, and so the same line, but without
 * winston's stream pipeline (two object-mode streams per line), which costs more than the line
 * itself (`npm run bench:log`). Levels are checked per call, so a changed level still applies.
 */
export function lineWriter(logger: Logger, level = "info"): LineWriter {
  const noop = (): void => undefined;
  return (message, fields) => {
    if (logger.silent || !logger.isLevelEnabled(level)) return;
    // Key order as winston's `log(level, message, meta)`: default meta, fields, then level and message.
    const info = { ...(logger.defaultMeta as object | undefined), ...fields, [LEVEL]: level, level, message };
    const formatted = logger.format.transform(info, logger.format.options);
    if (typeof formatted !== "object") return; // a format may drop the line
    const levels = logger.levels;
    for (const t of logger.transports) {
      if (t.silent || (t.level !== undefined && levels[t.level]! < levels[level]!)) continue;
      const out = t.format ? t.format.transform({ ...formatted }, t.format.options) : formatted;
      if (typeof out === "object") t.log?.(out, noop);
    }
  };
}
