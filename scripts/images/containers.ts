/**
 * buildah, podman and skopeo with this project's own configuration, kept under the cache
 * (`~/.cache/sentiment-operator/containers/`) and selected through environment variables, never
 * /etc. The settings are what this machine kind needs (see README.md here):
 * runc (crun refuses hybrid cgroups), the cgroupfs manager and a file event log (no systemd), and
 * ulimits within the VM's hard limits (no CAP_SYS_RESOURCE).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { err, failure, ok, type Result } from "../../common/result.ts";
import { cacheRoot } from "../testenv/paths.ts";
import { runCommand, type CommandResult } from "../testenv/run-command.ts";

export type Progress = (message: string) => void;

export function containersDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), "containers");
}

/** Writes the two config files (idempotent) and returns the environment the tools run with. */
export function containersEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dir = containersDir(env);
  const conf = join(dir, "conf");
  mkdirSync(conf, { recursive: true });
  writeFileSync(
    join(conf, "storage.conf"),
    `[storage]\ndriver = "overlay"\ngraphroot = "${join(dir, "storage")}"\nrunroot = "${join(dir, "run")}"\n`,
  );
  writeFileSync(
    join(conf, "containers.conf"),
    [
      "[engine]",
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${join(dir, "run", "events.log")}"`,
      "[containers]",
      // podman asks for nofile 1048576 by default; this VM's hard limit is 20000 and root cannot raise it.
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      'log_driver = "k8s-file"',
      "",
    ].join("\n"),
  );
  // The CA bundle the host's npm trusts (an intercepting proxy may sign the registry's certificate).
  writeFileSync(join(conf, "npmrc"), `cafile=${HOST_CA_BUNDLE}\n`);
  return {
    ...env,
    CONTAINERS_STORAGE_CONF: join(conf, "storage.conf"),
    CONTAINERS_CONF: join(conf, "containers.conf"),
    BUILDAH_RUNTIME: "/usr/bin/runc",
  };
}

export const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export function npmrcPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(containersDir(env), "conf", "npmrc");
}

/** Runs a container tool; a missing tool becomes a Failure that says which package to install. */
export async function tool(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: { cwd?: string; onStderrLine?: (line: string) => void; onStdoutLine?: (line: string) => void } = {},
): Promise<Result<CommandResult>> {
  try {
    const r = await runCommand(cmd, args, { env, ...opts });
    if (r.code === 0) return ok(r);
    return err(
      failure(
        "CommandFailed",
        `${cmd} ${args.slice(0, 2).join(" ")} exited with ${r.code}:\n${r.stderrTail}`,
      ),
    );
  } catch {
    return err(
      failure(
        "ToolMissing",
        `${cmd} is not installed. Install the Debian packages: apt-get install -y buildah podman skopeo runc debootstrap`,
      ),
    );
  }
}

/** The image ID in local storage, or undefined when there is no such image. */
export async function imageId(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await tool("podman", ["image", "inspect", "--format", "{{.Id}}", name], env);
  return r.ok ? r.value.stdout.trim() : undefined;
}

export function elapsed(since: number): string {
  const s = (Date.now() - since) / 1000;
  return s >= 60
    ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`
    : `${s.toFixed(1)}s`;
}
