import { stat } from "node:fs/promises";
import { join } from "node:path";
import { DataReason, dataError } from "./dataset.ts";
import { cacheDirectory, downloadVerified, type DownloadProgress } from "./download.ts";

/** The official archive (Maas et al. 2011) and its published sha256 (84,125,825 bytes). */
export const IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz";
export const IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe";
/** Points at a local copy of the archive (or an aclImdb directory); used instead of downloading. */
export const IMDB_PATH_ENV = "SENTIMENT_IMDB_PATH";
/** What to do when $SENTIMENT_IMDB_PATH cannot be read. */
export const IMDB_PATH_FIX = `point ${IMDB_PATH_ENV} at aclImdb_v1.tar.gz or an aclImdb directory, or unset it to download`;

const OFFLINE_HINT = `if this machine is offline, set ${IMDB_PATH_ENV} (or pass --data) to a local copy of aclImdb_v1.tar.gz or an aclImdb directory.`;

export interface ImdbOptions {
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly progress?: DownloadProgress | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** @default IMDB_URL (tests point it elsewhere) */
  readonly url?: string | undefined;
  /** @default IMDB_SHA256 */
  readonly sha256?: string | undefined;
}

/**
 * The local path of the IMDB data for `--data imdb`: `$SENTIMENT_IMDB_PATH` when set, else the
 * cached download (XDG cache dir), else a fresh download verified against `IMDB_SHA256`.
 */
export async function resolveImdb(options: ImdbOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const local = env[IMDB_PATH_ENV];
  if (local !== undefined && local !== "") {
    if (!(await stat(local).catch(() => undefined))) {
      throw dataError(DataReason.NotFound, `${IMDB_PATH_ENV}=${local} does not exist: ${IMDB_PATH_FIX}.`);
    }
    return local;
  }
  return downloadVerified({
    url: options.url ?? IMDB_URL,
    target: join(cacheDirectory(env), "aclImdb_v1.tar.gz"),
    sha256: options.sha256 ?? IMDB_SHA256,
    offlineHint: OFFLINE_HINT,
    progress: options.progress,
    fetch: options.fetch,
  });
}
