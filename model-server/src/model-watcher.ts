import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { METADATA_FILE } from "../../common/artifact/metadata.ts";

/**
 * Reads `version` from a model directory's metadata.json without validating the rest (the loader
 * does that). undefined when the file is missing, unreadable or has no string version.
 */
export async function readModelVersion(dir: string): Promise<string | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, METADATA_FILE), "utf8")) as { version?: unknown };
    return typeof parsed.version === "string" && parsed.version !== "" ? parsed.version : undefined;
  } catch {
    return undefined;
  }
}

export interface VersionWatchOptions {
  readonly dir: string;
  readonly intervalMs: number;
  /** The version being served (or undefined before the first load). */
  readonly servingVersion: () => string | undefined;
  /** Called when metadata.json names a version that is neither served nor already tried. */
  readonly onNewVersion: (version: string) => Promise<{ readonly ok: boolean }>;
  readonly readVersion?: (dir: string) => Promise<string | undefined>;
}

/**
 * Polls metadata.json (fs.watch misses the symlink swaps of Kubernetes volumes) and asks for a
 * reload when its version changes. A version whose load failed is not retried until the file
 * changes again (or SIGHUP forces a reload), so a bad artifact is reported once, not every tick.
 * Returns a function that stops the polling.
 */
export function watchModelVersion(opts: VersionWatchOptions): () => void {
  const read = opts.readVersion ?? readModelVersion;
  let failedVersion: string | undefined;
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      const version = await read(opts.dir);
      if (version === undefined || version === opts.servingVersion() || version === failedVersion) return;
      const outcome = await opts.onNewVersion(version);
      failedVersion = outcome.ok ? undefined : version;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
