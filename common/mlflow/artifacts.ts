/**
 * Artifacts through the tracking server's artifact proxy (`mlflow server --serve-artifacts`, the
 * default since MLflow 2): `PUT`/`GET /api/2.0/mlflow-artifacts/artifacts/<path>` and the listing.
 * Clients never need the store's credentials. A run's `artifact_uri` is
 * `mlflow-artifacts:[//host]/<experiment>/<run>/artifacts`; anything else (s3://, a local path)
 * means the server does not proxy artifacts.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { z } from "zod";
import { FileInfo } from "./schemas.ts";
import { MlflowError, type Request } from "./transport.ts";

const API = "/api/2.0/mlflow-artifacts/artifacts";

export interface Artifacts {
  /** Uploads one file's bytes to `<artifactUri>/<path>`. */
  upload(artifactUri: string, path: string, content: Uint8Array): Promise<void>;
  /** Uploads every file under `dir` to `<artifactUri>/<prefix>/...`; returns the uploaded paths. */
  uploadDirectory(artifactUri: string, dir: string, prefix: string): Promise<string[]>;
  /** Lists one level below `<artifactUri>/<path>`; paths are relative to `artifactUri`. */
  list(artifactUri: string, path?: string): Promise<FileInfo[]>;
  download(artifactUri: string, path: string): Promise<Uint8Array>;
}

/** `mlflow-artifacts:/1/abc/artifacts` (or `mlflow-artifacts://host/1/abc/artifacts`) → `1/abc/artifacts`. */
export function proxiedArtifactRoot(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri);
  if (m === null)
    throw new MlflowError(
      "MlflowRequestFailed",
      `The run's artifact location ${artifactUri} is not served by the tracking server: start MLflow with --serve-artifacts (and no --default-artifact-root outside mlflow-artifacts:).`,
    );
  return m[1]!.replace(/\/+$/, "");
}

const encodePath = (path: string): string =>
  path
    .split("/")
    .filter((s) => s !== "")
    .map(encodeURIComponent)
    .join("/");

const joinPath = (...parts: string[]): string => parts.filter((p) => p !== "").join("/");

export function createArtifacts(request: Request): Artifacts {
  const artifacts: Artifacts = {
    async upload(artifactUri, path, content) {
      await request({
        method: "PUT",
        path: `${API}/${encodePath(joinPath(proxiedArtifactRoot(artifactUri), path))}`,
        body: content,
        schema: z.unknown(),
      });
    },
    async uploadDirectory(artifactUri, dir, prefix) {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      const files = entries
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
        .sort();
      for (const file of files) {
        await artifacts.upload(artifactUri, joinPath(prefix, file), await readFile(join(dir, file)));
      }
      return files.map((f) => joinPath(prefix, f));
    },
    async list(artifactUri, path = "") {
      const root = proxiedArtifactRoot(artifactUri);
      const r = await request({
        method: "GET",
        path: API,
        query: { path: joinPath(root, path) },
        schema: z.object({ files: z.array(FileInfo).default([]) }),
      });
      return r.files.map((f) => ({ ...f, path: joinPath(path, f.path) }));
    },
    async download(artifactUri, path) {
      return request({
        method: "GET",
        path: `${API}/${encodePath(joinPath(proxiedArtifactRoot(artifactUri), path))}`,
        response: "bytes",
        schema: z.instanceof(Uint8Array),
      });
    },
  };
  return artifacts;
}
