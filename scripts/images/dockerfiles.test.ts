/**
 * Static checks of Dockerfile.operator and Dockerfile.server (there is no Docker engine here): the
 * images contain every file and package their entrypoints load, run as a numeric non-root user
 * from pinned base images, carry OCI labels, and route a TrainingRun Job's arguments to the
 * trainer. The server image's entrypoint script is run for real against this checkout.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { CONFIG_DEFAULTS } from "../../model-server/src/config.ts";
import { parseCli } from "../../operator/src/cli.ts";
import { defaultOperatorConfig } from "../../operator/src/config.ts";
import { sentimentModel, trainingRun } from "../../operator/src/testing/resources.ts";
import { buildDeployment } from "../../operator/src/render/k8s/deployment.ts";
import { buildJob } from "../../operator/src/render/k8s/job.ts";
import {
  contextCopies,
  dockerIgnored,
  execForm,
  labels,
  parseDockerfile,
  stages,
  type Stage,
} from "./dockerfile.ts";
import { importClosure } from "./import-closure.ts";

const REPO = join(import.meta.dirname, "..", "..");
const read = (f: string): string => readFileSync(join(REPO, f), "utf8");
const DOCKERIGNORE = read(".dockerignore");
const PKG = JSON.parse(read("package.json")) as { dependencies: Record<string, string> };
const SERVER_ENTRYPOINT = "docker/server-entrypoint.sh";

function finalStage(dockerfile: string): { all: Stage[]; final: Stage } {
  const all = stages(parseDockerfile(read(dockerfile)));
  assert.ok(all.length > 0, `${dockerfile} has no FROM`);
  return { all, final: all.at(-1)! };
}

function workdir(stage: Stage): string {
  return stage.instructions.filter((i) => i.keyword === "WORKDIR").at(-1)?.args ?? "/";
}

/** Repo path of a container path, through the final stage's COPYs from the build context. */
function repoPathOf(stage: Stage, containerPath: string): string | undefined {
  const wd = workdir(stage);
  for (const { sources, dest } of contextCopies(stage)) {
    const destAbs = posix.resolve(wd, dest);
    for (const src of sources) {
      const target =
        dest.endsWith("/") || sources.length > 1 ? posix.join(destAbs, posix.basename(src)) : destAbs;
      if (containerPath === target) return src;
      if (containerPath.startsWith(`${target}/`))
        return posix.join(src, containerPath.slice(target.length + 1));
    }
  }
  return undefined;
}

/** The repo files an image starts: the exec-form entrypoint's script, or the files its script runs. */
function entryFiles(stage: Stage): string[] {
  const entrypoint = execForm(stage, "ENTRYPOINT");
  assert.ok(entrypoint, "ENTRYPOINT must use the exec (JSON) form, so signals reach the program");
  const wd = workdir(stage);
  if (entrypoint[0] === "node") {
    const file = repoPathOf(stage, posix.resolve(wd, entrypoint[1] ?? ""));
    assert.ok(file, `the image does not COPY ${entrypoint[1]}`);
    return [file];
  }
  const script = repoPathOf(stage, entrypoint[0] ?? "");
  assert.ok(script, `the image does not COPY its entrypoint ${entrypoint[0]}`);
  const programs = [...read(script).matchAll(/"\$app\/([^"]+)"/g)].map((m) => `/app/${m[1]}`);
  assert.ok(programs.length > 0, `${script} runs no "$app/..." program`);
  return programs.map((p) => {
    const file = repoPathOf(stage, p);
    assert.ok(file, `${script} runs ${p}, which the image does not COPY`);
    return file;
  });
}

for (const dockerfile of ["Dockerfile.operator", "Dockerfile.server"]) {
  describe(dockerfile, () => {
    const { all, final } = finalStage(dockerfile);

    test("every base image is pinned to a full version, never latest", () => {
      for (const s of all) {
        assert.match(s.image, /^[\w./-]+:\d+\.\d+\.\d+[\w.-]*$|@sha256:[a-f0-9]{64}$/, `FROM ${s.image}`);
        assert.doesNotMatch(s.image, /:latest\b/);
      }
    });

    test("the final stage runs as a numeric non-root user and group", () => {
      const user = final.instructions.filter((i) => i.keyword === "USER").at(-1)?.args;
      assert.ok(user, "no USER in the final stage: the image would run as root");
      const m = /^(\d+)(?::(\d+))?$/.exec(user);
      assert.ok(m, `USER ${user} must be numeric (uid:gid) so that runAsNonRoot can verify it`);
      assert.notEqual(Number(m[1]), 0, "USER 0 is root");
      assert.notEqual(Number(m[2] ?? 1), 0, "group 0 is root's");
    });

    test("carries the OCI labels", () => {
      const l = labels(final);
      for (const key of ["title", "description", "source", "licenses", "version", "revision"]) {
        assert.ok(
          l.get(`org.opencontainers.image.${key}`),
          `LABEL org.opencontainers.image.${key} is missing`,
        );
      }
      assert.equal(l.get("org.opencontainers.image.licenses"), "Apache-2.0");
    });

    test("installs dependencies exactly as locked, production only, without install scripts", () => {
      const runs = all.flatMap((s) => s.instructions.filter((i) => i.keyword === "RUN")).map((i) => i.args);
      const ci = runs.filter((r) => /\bnpm ci\b/.test(r));
      assert.equal(ci.length, 1, "exactly one `npm ci`");
      assert.match(ci[0]!, /--omit=dev/);
      assert.match(ci[0]!, /--ignore-scripts/);
      assert.ok(
        !runs.some((r) => /\bnpm (install|i|add)\b/.test(r)),
        "no `npm install`: it could drift from the lock",
      );
    });

    test("contains every file its entrypoint loads, and none is excluded by .dockerignore", () => {
      const closure = importClosure(REPO, entryFiles(final));
      assert.deepEqual(closure.unresolved, [], "imports that point at no file");
      const copied = contextCopies(final).flatMap((c) => c.sources);
      for (const file of closure.files) {
        assert.ok(
          copied.some((src) => file === src || file.startsWith(`${src}/`)),
          `${file} is loaded at run time but not copied into the image`,
        );
        assert.ok(
          !dockerIgnored(DOCKERIGNORE, file),
          `${file} is loaded at run time but .dockerignore excludes it`,
        );
      }
      for (const src of copied) assert.ok(existsSync(join(REPO, src)), `COPY ${src}: no such file`);
    });

    test("every package its entrypoint imports is a production dependency that the image keeps", () => {
      const closure = importClosure(REPO, entryFiles(final));
      const pruned = all
        .flatMap((s) => s.instructions)
        .filter((i) => i.keyword === "RUN" && /npm uninstall/.test(i.args))
        .flatMap((i) =>
          i.args.split(/\s+/).filter((w) => /^@?[a-z]/.test(w) && !["npm", "uninstall", "&&"].includes(w)),
        );
      for (const pkg of closure.packages) {
        assert.ok(PKG.dependencies[pkg], `${pkg} is imported at run time but is not in "dependencies"`);
        assert.ok(!pruned.includes(pkg), `${pkg} is imported at run time but the image uninstalls it`);
      }
    });
  });
}

describe("image contracts with the code", () => {
  test("the operator image EXPOSEs the operator's default metrics port", () => {
    const cli = parseCli(["run"], {});
    assert.ok(cli.ok && cli.value.command === "run");
    const expose = finalStage("Dockerfile.operator").final.instructions.find((i) => i.keyword === "EXPOSE");
    assert.equal(expose?.args, String(cli.value.options.metricsPort));
  });

  test("the server image EXPOSEs the server's default port, which the operator's Deployments use", () => {
    const expose = finalStage("Dockerfile.server").final.instructions.find((i) => i.keyword === "EXPOSE");
    assert.equal(expose?.args, String(CONFIG_DEFAULTS.port));
    assert.equal(defaultOperatorConfig().serverPort, CONFIG_DEFAULTS.port);
  });

  test("the operator image's default command is `run`", () => {
    assert.deepEqual(execForm(finalStage("Dockerfile.operator").final, "CMD"), ["run"]);
  });
});

describe(`${SERVER_ENTRYPOINT} (run for real)`, () => {
  const node24 = dirname(process.execPath);
  const entrypoint = (...args: string[]) =>
    spawnSync("sh", [join(REPO, SERVER_ENTRYPOINT), ...args], {
      env: { ...process.env, SENTIMENT_APP_DIR: REPO, PATH: `${node24}:${process.env["PATH"] ?? ""}` },
      encoding: "utf8",
      timeout: 60_000,
    });

  test("a TrainingRun Job's arguments reach the trainer", () => {
    const job = buildJob(
      trainingRun("run-a"),
      { claimName: "models", path: "reviews/run-a" },
      defaultOperatorConfig(),
    );
    const container = job.spec!.template.spec!.containers[0]!;
    assert.equal(container.command, undefined, "a Job command would bypass the image's entrypoint");
    const r = entrypoint(container.args![0]!, "--help");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: sentiment-train train /m);
  });

  test("a SentimentModel's Deployment (no command, no arguments) starts the model server", () => {
    const served = { version: "v1", claimName: "models", path: "reviews/v1" };
    const container = buildDeployment(sentimentModel("reviews"), served, defaultOperatorConfig()).spec!
      .template.spec!.containers[0]!;
    assert.deepEqual([container.command, container.args], [undefined, undefined]);
    const r = entrypoint("--help"); // no arguments would start serving; --help shows which program runs
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: sentiment-serve /m);
  });

  test("the model server gets the memory settings, the trainer does not", () => {
    // A `node` first on PATH that prints how it was started.
    const fake = mkdtempSync(join(tmpdir(), "fake-node-"));
    try {
      writeFileSync(join(fake, "node"), '#!/bin/sh\necho "${MALLOC_ARENA_MAX:-unset} $*"\n', { mode: 0o755 });
      const run = (...args: string[]) =>
        spawnSync("sh", [join(REPO, SERVER_ENTRYPOINT), ...args], {
          env: {
            ...process.env,
            MALLOC_ARENA_MAX: undefined,
            SENTIMENT_APP_DIR: "/app",
            PATH: `${fake}:${process.env["PATH"] ?? ""}`,
          },
          encoding: "utf8",
        }).stdout.trim();
      assert.equal(
        run("--port", "1"),
        "2 --max-semi-space-size=4 /app/model-server/bin/sentiment-serve.js --port 1",
      );
      assert.equal(run("train", "--data", "x"), "unset /app/trainer/bin/sentiment-train.js train --data x");
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });
});
