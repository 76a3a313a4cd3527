import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { DataReason, dataError } from "./dataset.ts";

export type DownloadProgress = (fraction: number, label: string) => void;

/** `$XDG_CACHE_HOME/sentiment-operator`, else `~/.cache/sentiment-operator`. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env["XDG_CACHE_HOME"] && env["XDG_CACHE_HOME"] !== "" ? env["XDG_CACHE_HOME"] : join(homedir(), ".cache");
  return join(base, "sentiment-operator");
}

export async function fileSha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export interface DownloadRequest {
  readonly url: string;
  readonly target: string;
  /** Refuse the download unless its sha256 is this. */
  readonly sha256?: string | undefined;
  /** Shown in messages: what to do when offline. */
  readonly offlineHint: string;
  readonly progress?: DownloadProgress | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** Gives up when no byte arrives for this long. @default 30000 */
  readonly stallMs?: number | undefined;
}

/**
 * Downloads `url` to `target` through a `.partial` file (renamed only once complete and, when
 * `sha256` is given, verified), reporting progress. A cached `target` with the right sha256 is
 * reused without touching the network.
 */
export async function downloadVerified(req: DownloadRequest): Promise<string> {
  if (await stat(req.target).catch(() => undefined)) {
    if (req.sha256 === undefined || (await fileSha256(req.target)) === req.sha256) return req.target;
    await rm(req.target, { force: true });
  }
  await mkdir(dirname(req.target), { recursive: true });
  const partial = `${req.target}.partial-${process.pid}`;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const stall = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error("no data for 30 s")), req.stallMs ?? 30_000);
  };
  try {
    stall();
    let response: Response;
    try {
      response = await (req.fetch ?? fetch)(req.url, { signal: controller.signal, redirect: "follow" });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw dataError(
        DataReason.DownloadFailed,
        `Could not download ${req.url} (${cause?.code ?? cause?.message ?? (e as Error).message}): ${req.offlineHint}`,
      );
    }
    if (!response.ok || response.body === null) {
      throw dataError(
        DataReason.DownloadFailed,
        `Could not download ${req.url} (HTTP ${response.status}): ${req.offlineHint}`,
      );
    }
    const total = Number(response.headers.get("content-length") ?? 0);
    const hash = createHash("sha256");
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _e, done) {
        stall();
        hash.update(chunk);
        received += chunk.length;
        req.progress?.(total > 0 ? received / total : 0, "downloading");
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body), meter, createWriteStream(partial));
    } catch (e) {
      throw dataError(
        DataReason.DownloadFailed,
        `The download of ${req.url} broke off after ${received} bytes (${(e as Error).message}): ${req.offlineHint}`,
      );
    }
    const digest = hash.digest("hex");
    if (req.sha256 !== undefined && digest !== req.sha256) {
      throw dataError(
        DataReason.DownloadFailed,
        `${req.url} has sha256 ${digest}, expected ${req.sha256}: the download is damaged or the file changed; ${req.offlineHint}`,
      );
    }
    await rename(partial, req.target);
    return req.target;
  } finally {
    clearTimeout(timer);
    await rm(partial, { force: true });
  }
}
