import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseCli, parseDuration, type RunOptions } from "./cli.ts";

const run = (argv: string[], env: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): RunOptions => {
  const r = parseCli(argv, env, (p) => {
    const f = files[p];
    if (f === undefined) throw new Error(`ENOENT: no such file '${p}'`);
    return f;
  });
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  assert.equal(r.value.command, "run");
  return (r.value as { options: RunOptions }).options;
};
const failure = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  const r = parseCli(argv, env, () => {
    throw new Error("ENOENT: no such file");
  });
  assert.ok(!r.ok, "expected a failure");
  return r.error.message;
};

describe("parseCli", () => {
  test("defaults: all namespaces, port 8080, no leader election, 4 workers, 10m resync", () => {
    const o = run(["run"], { POD_NAME: "op-0" });
    assert.equal(o.namespace, undefined);
    assert.equal(o.metricsPort, 8080);
    assert.equal(o.leaderElect, false);
    assert.equal(o.leaderElectionId, "sentiment-operator-leader");
    assert.equal(o.workers, 4);
    assert.equal(o.resyncPeriodMs, 600_000);
    assert.match(o.identity, /^op-0_[0-9a-f]{8}$/);
    assert.equal(o.config.trainerImage.length > 0, true);
  });

  test("flags set every option", () => {
    const o = run([
      "run",
      "--kubeconfig=/k",
      "--namespace",
      "team-a",
      "--metrics-port",
      "9090",
      "--leader-elect",
      "--leader-election-namespace",
      "ops",
      "--identity",
      "me",
      "--workers",
      "4",
      "--resync-period",
      "1h30m",
      "--trainer-image",
      "registry/trainer:1",
      "--log-level",
      "debug",
    ]);
    assert.deepEqual(
      [
        o.kubeconfig,
        o.namespace,
        o.metricsPort,
        o.leaderElect,
        o.leaderElectionNamespace,
        o.identity,
        o.workers,
        o.resyncPeriodMs,
        o.logLevel,
      ],
      ["/k", "team-a", 9090, true, "ops", "me", 4, 5_400_000, "debug"],
    );
    assert.equal(o.config.trainerImage, "registry/trainer:1");
  });

  test("environment variables are the flags' equivalents; flags win", () => {
    const env = {
      SENTIMENT_OPERATOR_NAMESPACE: "from-env",
      SENTIMENT_OPERATOR_LEADER_ELECT: "true",
      SENTIMENT_OPERATOR_WORKERS: "3",
      SENTIMENT_OPERATOR_METRICS_PORT: "7000",
    };
    const o = run(["run", "--workers", "5"], env);
    assert.equal(o.namespace, "from-env");
    assert.equal(o.leaderElect, true);
    assert.equal(o.workers, 5);
    assert.equal(o.metricsPort, 7000);
  });

  test("a config file sets images; --server-image overrides it", () => {
    const o = run(
      ["run", "--config", "/c.yaml", "--server-image", "s:2"],
      {},
      { "/c.yaml": "trainerImage: t:1\nserverImage: s:1\n" },
    );
    assert.equal(o.config.trainerImage, "t:1");
    assert.equal(o.config.serverImage, "s:2");
  });

  const bad = [
    { argv: ["run", "--workers", "0"], want: /--workers must be an integer from 1 to 64; got '0'/ },
    { argv: ["run", "--metrics-port", "http"], want: /--metrics-port must be an integer/ },
    { argv: ["run", "--resync-period", "soon"], want: /--resync-period must be a duration such as 30s/ },
    { argv: ["run", "--log-level", "loud"], want: /--log-level must be error, warn, info or debug/ },
    { argv: ["run", "--bogus"], want: /Unknown option '--bogus'.*--help/ },
    { argv: ["serve"], want: /Unknown command 'serve'; the only command is 'run'/ },
    { argv: ["run", "--config", "/missing.yaml"], want: /Cannot read --config \/missing.yaml/ },
  ];
  for (const c of bad) test(`rejects ${c.argv.join(" ")}`, () => assert.match(failure(c.argv), c.want));

  test("rejects a bad leader-elect environment value", () => {
    assert.match(
      failure(["run"], { SENTIMENT_OPERATOR_LEADER_ELECT: "yes" }),
      /SENTIMENT_OPERATOR_LEADER_ELECT must be true or false/,
    );
  });

  test("rejects an invalid config value naming the field", () => {
    const r = parseCli(["run", "--config", "/c.yaml"], {}, () => "serverPort: 70000\n");
    assert.ok(!r.ok);
    assert.match(r.error.message, /Operator config field serverPort/);
  });

  test("no command or --help asks for help", () => {
    for (const argv of [[], ["--help"], ["help"]]) {
      const r = parseCli(argv, {});
      assert.ok(r.ok && r.value.command === "help");
    }
  });
});

describe("parseDuration", () => {
  const cases: [string, number | undefined][] = [
    ["30", 30_000],
    ["45s", 45_000],
    ["10m", 600_000],
    ["1h", 3_600_000],
    ["1h2m3s", 3_723_000],
    ["", undefined],
    ["5 minutes", undefined],
  ];
  for (const [input, want] of cases) test(`'${input}'`, () => assert.equal(parseDuration(input), want));
});
