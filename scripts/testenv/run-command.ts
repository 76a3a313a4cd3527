import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  /** The last lines of stderr, for error messages. */
  readonly stderrTail: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called for every stderr line (Go prints progress there). */
  readonly onStderrLine?: (line: string) => void;
  /** Called for every stdout line (buildah prints its steps there); stdout is still captured. */
  readonly onStdoutLine?: (line: string) => void;
}

/** Runs a command to completion, capturing stdout and streaming stderr lines. Never throws on exit code. */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const tail: string[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    if (opts.onStdoutLine) createInterface({ input: child.stdout }).on("line", opts.onStdoutLine);
    createInterface({ input: child.stderr }).on("line", (line) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      opts.onStderrLine?.(line);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolvePromise({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderrTail: tail.join("\n"),
      });
    });
  });
}
