/**
 * The command-line convention of every program (sentiment-operator, sentiment-serve,
 * sentiment-train), on commander:
 * - `--help` and `--version` on the program and on each subcommand;
 * - every option can also be set by an environment variable, `SENTIMENT_<PROGRAM>_<FLAG>`
 *   (`sentiment-serve --max-batch-size` is `SENTIMENT_SERVE_MAX_BATCH_SIZE`), unless the
 *   ecosystem has its own name (`PORT`, `HOST`, `KUBECONFIG`, `MLFLOW_TRACKING_URI`: `fromEnv`);
 *   a flag wins over its variable, which wins over the option's default;
 * - a usage error is one line on stderr and exit status 2; `--help`/`--version` exit 0.
 *
 * The variables are read from the `env` given to `parseCommandLine`, not from `process.env`
 * (commander's own `.env()` does, and takes any value of a boolean variable as true).
 */
import { Command, CommanderError, Help, InvalidArgumentError, Option } from "commander";
import { z } from "zod";
import pkg from "../package.json" with { type: "json" };

export { Command, InvalidArgumentError, Option };

export const VERSION: string = pkg.version;

/** Exit statuses shared by the programs: 0 success, 1 failed run, 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const ENV = new WeakMap<Option, string>();

/** Reads `option` from the ecosystem's own variable `name` (`PORT`) instead of SENTIMENT_<PROGRAM>_<FLAG>. */
export function fromEnv(option: Option, name: string): Option {
  ENV.set(option, name);
  return option;
}

/** `sentiment-serve`, `--max-batch-size` → `SENTIMENT_SERVE_MAX_BATCH_SIZE`. */
export const envName = (program: string, long: string): string =>
  `${program}_${long.replace(/^--/, "")}`.toUpperCase().replace(/-/g, "_");

/** A commander argument parser from a zod schema: the schema's first message on a bad value. */
export const zodArg =
  <T>(schema: z.ZodType<T>) =>
  (raw: string): T => {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    throw new InvalidArgumentError(`${r.error.issues[0]?.message ?? "invalid value"}.`);
  };

/** A whole number from `min` to `max`. */
export const intArg = (min: number, max: number) =>
  zodArg(
    z
      .string()
      .regex(/^-?\d+$/, "Must be a whole number")
      .transform(Number)
      .pipe(z.number().int().min(min).max(max)),
  );

/** `true/false/1/0`, the values of a boolean variable or of `--flag=<bool>`. */
export const boolArg = (raw: string): boolean => {
  if (["true", "1"].includes(raw)) return true;
  if (["false", "0"].includes(raw)) return false;
  throw new InvalidArgumentError("Must be true or false.");
};

/** A program with the convention's help: each option's description names its variable. */
export function createProgram(name: string, description: string): Command {
  return withVersion(new Command(name).description(description)).enablePositionalOptions();
}

/** A subcommand of `parent`, with its own --help and (unless one of its flags is named so) --version. */
export function subcommand(
  parent: Command,
  name: string,
  description: string,
  { version = true }: { version?: boolean } = {},
): Command {
  return withVersion(parent.command(name).description(description), version);
}

function withVersion(cmd: Command, version = true): Command {
  if (version) cmd.version(VERSION, "--version", "print the version and exit");
  return cmd.helpOption("-h, --help", "print this help and exit").configureHelp({
    helpWidth: 100,
    optionDescription: (o: Option) => {
      const base = Help.prototype.optionDescription.call(new Help(), o);
      const env = ENV.get(o);
      return env === undefined ? base : `${base} [env ${env}]`;
    },
  });
}

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export type CliResult =
  { readonly exit: number } | { readonly command: Command; readonly options: Record<string, unknown> };

const commands = (c: Command): Command[] => [c, ...c.commands.flatMap(commands)];

/**
 * Parses `argv` (without node and the script): flags, then environment variables, then defaults.
 * Returns the (sub)command to run with its options, or the exit status when help, the version or
 * a usage error was printed.
 */
export function parseCommandLine(
  program: Command,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
): CliResult {
  let chosen: Command | undefined;
  const all = commands(program);
  for (const c of all) {
    c.exitOverride().configureOutput({
      writeOut: io.out,
      writeErr: io.err,
      outputError: (s, write) => write(`${program.name()}: ${oneLine(s)} See '${path(c)} --help'.\n`),
    });
    if (c.commands.length === 0)
      c.action((...args: unknown[]) => {
        chosen = args.at(-1) as Command;
      });
  }
  try {
    for (const c of all) applyEnv(program.name(), c, env);
    program.parse([...argv], { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { exit: e.exitCode === 0 ? EXIT.ok : EXIT.usage };
  }
  return { command: chosen!, options: chosen!.opts() };
}

/** Sets each option of `c` that has its variable in `env` (parsed like the flag), with source "env". */
function applyEnv(program: string, c: Command, env: Readonly<Record<string, string | undefined>>): void {
  for (const o of c.options) {
    if (o.long === undefined || o.negate || (o.long === "--version" && !o.required)) continue;
    const name = ENV.get(o) ?? envName(program, o.long);
    ENV.set(o, name);
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    try {
      const value = o.required || o.optional ? (o.parseArg?.(raw, undefined) ?? raw) : boolArg(raw);
      c.setOptionValueWithSource(o.attributeName(), value, "env");
    } catch (e) {
      if (!(e instanceof InvalidArgumentError)) throw e;
      c.error(`error: ${name}=${JSON.stringify(raw)} is invalid (${o.long}): ${e.message}`);
    }
  }
}

const oneLine = (s: string): string =>
  s
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ")
    .trim()
    .replace(/([^.)])$/, "$1.");

const path = (c: Command): string => (c.parent ? `${path(c.parent)} ${c.name()}` : c.name());
