/**
 * `npm run images:build`: builds `localhost/sentiment-server:dev` and
 * `localhost/sentiment-operator:dev` from Dockerfile.server and Dockerfile.operator (unchanged)
 * with buildah, into the project's own container storage, and writes one OCI archive per image
 * that `ctr import`, `podman load` and `kind load image-archive` accept. An image whose inputs did
 * not change is not rebuilt. Progress on stderr; the archive paths on stdout.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ok, type Result } from "../../common/result.ts";
import { REPO_ROOT } from "../testenv/paths.ts";
import { ensureBaseImage } from "./base-image.ts";
import {
  containersEnv,
  elapsed,
  HOST_CA_BUNDLE,
  imageId,
  npmrcPath,
  tool,
  type Progress,
} from "./containers.ts";
import { exportArchive } from "./archive.ts";
import { archivePath, imageRef, IMAGES, inputsHash, type ImageSpec } from "./images.ts";

const progress: Progress = (m) => console.error(`[images] ${m}`);

async function buildImage(
  spec: ImageSpec,
  baseId: string,
  env: NodeJS.ProcessEnv,
): Promise<Result<{ archive: string; built: boolean }>> {
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  // REVISION is left out of the inputs: a new commit that changes no input reuses the image.
  const buildArgs = { VERSION: version };
  const hash = inputsHash(spec, baseId, buildArgs);
  const archive = archivePath(spec, env);
  const stamp = `${archive}.inputs`;
  const ref = imageRef(spec);
  if (
    existsSync(archive) &&
    (await readFile(stamp, "utf8").catch(() => "")) === hash &&
    (await imageId(ref, env))
  ) {
    progress(`Found ${ref} up to date (inputs ${hash.slice(0, 12)}); not rebuilt.`);
    return ok({ archive, built: false });
  }
  let t = Date.now();
  progress(`Started building ${ref} from ${spec.dockerfile}.`);
  const revision = await tool("git", ["rev-parse", "HEAD"], env, { cwd: REPO_ROOT });
  const built = await tool(
    "buildah",
    [
      "bud",
      "--pull=never",
      "--network=host",
      "--layers",
      // npm ci inside the build trusts what the host's npm trusts; mounted for RUN steps only.
      "-v",
      `${HOST_CA_BUNDLE}:${HOST_CA_BUNDLE}:ro`,
      "-v",
      `${npmrcPath(env)}:/usr/local/etc/npmrc:ro`,
      "--build-arg",
      `VERSION=${buildArgs.VERSION}`,
      "--build-arg",
      `REVISION=${revision.ok ? revision.value.stdout.trim() : "unknown"}`,
      "-f",
      spec.dockerfile,
      "-t",
      ref,
      ".",
    ],
    env,
    {
      cwd: REPO_ROOT,
      onStdoutLine: (l) => {
        if (/^STEP \d+\/\d+: (FROM|RUN)/.test(l)) progress(`  ${spec.name}: ${l.slice(0, 110)}`);
      },
    },
  );
  if (!built.ok) return built;
  progress(`Built ${ref} in ${elapsed(t)}.`);

  t = Date.now();
  const exported = await exportArchive(ref, archive, env);
  if (!exported.ok) return exported;
  await writeFile(stamp, hash);
  progress(`Wrote ${archive} (${((await stat(archive)).size / 2 ** 20).toFixed(0)} MiB) in ${elapsed(t)}.`);
  return ok({ archive, built: true });
}

const started = Date.now();
const env = containersEnv();
const base = await ensureBaseImage(env, progress);
if (!base.ok) {
  progress(base.error.message);
  process.exit(1);
}
for (const spec of IMAGES) {
  const r = await buildImage(spec, base.value, env);
  if (!r.ok) {
    progress(r.error.message);
    process.exit(1);
  }
  const size = await tool("podman", ["image", "inspect", "--format", "{{.Size}}", imageRef(spec)], env);
  progress(
    `${imageRef(spec)}: ${size.ok ? `${(Number(size.value.stdout) / 1e6).toFixed(0)} MB` : "size unknown"}.`,
  );
  console.log(r.value.archive);
}
progress(`Finished in ${elapsed(started)}.`);
