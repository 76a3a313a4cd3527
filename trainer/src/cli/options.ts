import { readFile } from "node:fs/promises";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { parse as parseYaml } from "yaml";
import { err, failure, ok, type Failure, type Result } from "../../../common/result.ts";

/** Config keys whose CLI value is a number. */
const NUMERIC = new Set([
  "epochs",
  "batchSize",
  "learningRate",
  "seed",
  "validationSplit",
  "minFreq",
  "maxLength",
  "testSplit",
  "limit",
  "testLimit",
]);

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The flags of a command: config keys (camelCase) as kebab-case string options. */
export function flagSpec(
  keys: readonly string[],
  aliases: Record<string, string> = {},
): ParseArgsOptionsConfig {
  const spec: ParseArgsOptionsConfig = {
    config: { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    json: { type: "boolean" },
  };
  for (const k of keys) spec[kebab(k)] = { type: "string" };
  for (const alias of Object.keys(aliases)) spec[alias] = { type: "string" };
  return spec;
}

export interface ParsedCommand {
  /** Config keys from the flags (camelCase), numbers converted. */
  readonly values: Record<string, unknown>;
  readonly configFile: string | undefined;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly json: boolean;
}

/** Parses `args` against `spec`; `aliases` maps extra flag names to config keys (`arch` → `architecture`). */
export function parseCommand(
  args: readonly string[],
  spec: ParseArgsOptionsConfig,
  aliases: Record<string, string> = {},
): Result<ParsedCommand, Failure> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: spec, allowPositionals: false, strict: true });
  } catch (e) {
    return err(failure("UsageError", `${(e as Error).message.split("\n")[0]}: see --help.`));
  }
  const values: Record<string, unknown> = {};
  for (const [flag, raw] of Object.entries(parsed.values)) {
    if (["config", "verbose", "help", "json"].includes(flag)) continue;
    const key = aliases[flag] ?? camel(flag);
    if (NUMERIC.has(key)) {
      const n = Number(raw);
      if (typeof raw !== "string" || raw.trim() === "" || !Number.isFinite(n)) {
        return err(failure("UsageError", `--${flag} must be a number, got ${JSON.stringify(raw)}.`));
      }
      values[key] = n;
    } else values[key] = raw;
  }
  return ok({
    values,
    configFile: parsed.values["config"] as string | undefined,
    verbose: parsed.values["verbose"] === true,
    help: parsed.values["help"] === true,
    json: parsed.values["json"] === true,
  });
}

/**
 * A JSON or YAML config file with the same camelCase keys as the flags. The TrainingRun's nested
 * `hyperparameters:` and `preprocessing:` blocks are accepted too and flattened.
 */
export async function readConfigFile(path: string): Promise<Result<Record<string, unknown>, Failure>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    return err(
      failure(
        "ConfigNotFound",
        `Cannot read the config file ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check --config.`,
      ),
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return err(
      failure(
        "ConfigInvalid",
        `${path} is neither JSON nor YAML (${(e as Error).message.split("\n")[0]}): fix the file.`,
      ),
    );
  }
  if (doc === null || doc === undefined) return ok({});
  if (typeof doc !== "object" || Array.isArray(doc))
    return err(failure("ConfigInvalid", `${path} must hold an object of settings, like "epochs: 3".`));
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (
      (k === "hyperparameters" || k === "preprocessing") &&
      typeof v === "object" &&
      v !== null &&
      !Array.isArray(v)
    ) {
      for (const [ik, iv] of Object.entries(v as Record<string, unknown>)) {
        if (ik in flat) return err(failure("ConfigInvalid", `${path} sets ${ik} twice: keep one.`));
        flat[ik] = iv;
      }
    } else {
      if (k in flat) return err(failure("ConfigInvalid", `${path} sets ${k} twice: keep one.`));
      flat[k] = v;
    }
  }
  return ok(flat);
}
