import type { Writable } from "node:stream";
import winston from "winston";

export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly component: string;
  /** @default env LOG_LEVEL, else "info" */
  readonly level?: string;
  /** Human-readable lines instead of JSON (CLI on a TTY). @default false */
  readonly pretty?: boolean;
  /** Write nothing. @default false */
  readonly silent?: boolean;
  /** Where lines go (tests capture them). @default stderr for every level, so stdout stays clean for data */
  readonly stream?: Writable;
}

/** Every level, so that all of them go to stderr. */
const LEVELS = Object.keys(winston.config.npm.levels);

/** `HH:mm:ss LEVEL Message key=value ...` */
const pretty = winston.format.combine(
  winston.format.timestamp({ format: "HH:mm:ss" }),
  winston.format.printf(({ timestamp, level, message, component: _c, ...rest }) => {
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} ${String(message)}${fields ? " " + fields : ""}`;
  }),
);

/**
 * The one logger of every program: winston as its documentation configures it, one JSON object per
 * line (`format.timestamp()` + `format.json()`, keys in the order given) on stderr. Messages follow
 * the kubebuilder convention: capitalised, past tense, naming the object, with structured fields.
 */
export function createLogger(opts: LoggerOptions): Logger {
  return winston.createLogger({
    level: opts.level ?? process.env["LOG_LEVEL"] ?? "info",
    defaultMeta: { component: opts.component },
    silent: opts.silent ?? false,
    format: opts.pretty
      ? pretty
      : winston.format.combine(winston.format.timestamp(), winston.format.json({ deterministic: false })),
    transports: [
      opts.stream
        ? new winston.transports.Stream({ stream: opts.stream })
        : new winston.transports.Console({ stderrLevels: LEVELS }),
    ],
  });
}
