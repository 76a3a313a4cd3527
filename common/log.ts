import winston from "winston";

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly component: string;
  readonly level?: string;
  /** Human-readable lines instead of JSON (CLI on a TTY). @default false */
  readonly pretty?: boolean;
  /** Where to write. @default stderr for every level, so stdout stays clean for data. */
  readonly silent?: boolean;
}

/**
 * JSON-lines logger (kubebuilder convention: capitalised, past-tense messages naming the object,
 * structured key/value fields). Everything goes to stderr.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const format = opts.pretty
    ? winston.format.combine(
        winston.format.timestamp({ format: "HH:mm:ss" }),
        winston.format.printf(({ timestamp, level, message, component: _c, ...rest }) => {
          const fields = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
            .join(" ");
          return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${fields ? " " + fields : ""}`;
        }),
      )
    : winston.format.combine(winston.format.timestamp(), winston.format.json());
  return winston.createLogger({
    level: opts.level ?? process.env["LOG_LEVEL"] ?? "info",
    defaultMeta: { component: opts.component },
    silent: opts.silent ?? false,
    format,
    transports: [
      new winston.transports.Console({
        stderrLevels: ["error", "warn", "info", "http", "verbose", "debug", "silly"],
      }),
    ],
  });
}
