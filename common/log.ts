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

/** The key under which winston formats leave the finished line (triple-beam's MESSAGE). */
const MESSAGE = Symbol.for("message");

/**
 * One JSON object per line: `timestamp`, `level`, `message`, then the fields in the order given.
 * Plain `JSON.stringify` is about twice as fast as logform's `timestamp()` + `json()` pair, which
 * matters for the model server's one line per request; values it cannot encode (cycles, BigInt)
 * fall back to logform's safe encoder.
 */
const jsonLine = winston.format((info) => {
  const { level, message, ...fields } = info;
  const line = { timestamp: new Date().toISOString(), level, message, ...fields };
  try {
    (info as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(line);
  } catch {
    return safeJson.transform(Object.assign(info, { timestamp: line.timestamp }), {});
  }
  return info;
});
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
