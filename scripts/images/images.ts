/**
 * The project's images, built by `npm run images:build` and loaded into a real test node: names,
 * their Dockerfiles, the OCI archives, and the hash of every build input (the Dockerfile, every
 * file its COPY instructions take from the context after .dockerignore, the base image ID and the
 * build arguments), so a build is skipped when nothing it reads changed.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { cacheRoot, REPO_ROOT } from "../testenv/paths.ts";
import { contextCopies, dockerIgnored, parseDockerfile, stages } from "./dockerfile.ts";

export const IMAGE_TAG = "dev";

export const IMAGES = [
  { name: "sentiment-server", dockerfile: "Dockerfile.server" },
  { name: "sentiment-operator", dockerfile: "Dockerfile.operator" },
] as const;

export type ImageSpec = (typeof IMAGES)[number];

/** `localhost/sentiment-server:dev`: what pods name with `imagePullPolicy: IfNotPresent`. */
export const imageRef = (spec: ImageSpec): string => `localhost/${spec.name}:${IMAGE_TAG}`;

export function archiveDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "images", "archives");
}

export const archivePath = (spec: ImageSpec, env: NodeJS.ProcessEnv = process.env): string =>
  join(archiveDir(env), `${spec.name}_${IMAGE_TAG}.oci.tar`);

/** Context files (relative, sorted) that the Dockerfile's COPY instructions read. */
export function contextFiles(dockerfile: string, root: string = REPO_ROOT): string[] {
  const ignore = readFileSync(join(root, ".dockerignore"), "utf8");
  const sources = stages(parseDockerfile(readFileSync(join(root, dockerfile), "utf8"))).flatMap((s) =>
    contextCopies(s).flatMap((c) => c.sources),
  );
  const out = new Set<string>();
  const walk = (path: string) => {
    const rel = relative(root, path);
    if (dockerIgnored(ignore, rel)) return;
    if (statSync(path).isDirectory()) for (const e of readdirSync(path)) walk(join(path, e));
    else out.add(rel);
  };
  for (const s of sources) walk(join(root, s));
  return [...out].sort();
}

export function inputsHash(
  spec: ImageSpec,
  baseImageId: string,
  buildArgs: Readonly<Record<string, string>>,
  root: string = REPO_ROOT,
): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ baseImageId, buildArgs }));
  for (const f of [spec.dockerfile, ".dockerignore", ...contextFiles(spec.dockerfile, root)]) {
    const st = statSync(join(root, f));
    h.update(`\0${f}\0${st.mode & 0o111 ? "x" : "-"}\0`);
    h.update(readFileSync(join(root, f)));
  }
  return h.digest("hex");
}
