import { open } from "node:fs/promises";

/** The last `n` lines of a log file (reads at most the final 256 KiB). "" if it does not exist. */
export async function tailLines(path: string, n: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch {
    return "";
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 256 * 1024);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const lines = buf.toString("utf8").split("\n");
    if (lines.at(-1) === "") lines.pop();
    return lines.slice(-n).join("\n");
  } finally {
    await handle.close();
  }
}

/** A readable block with the tail of every component log, for test failure reports. */
export async function componentLogTails(
  processes: readonly { readonly name: string; readonly log: string }[],
  lines: number,
): Promise<string> {
  const parts = await Promise.all(
    processes.map(
      async (p) => `----- ${p.name} (last ${lines} lines of ${p.log})\n${await tailLines(p.log, lines)}`,
    ),
  );
  return parts.join("\n");
}
