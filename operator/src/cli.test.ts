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
  test("defaults: all namespaces, port 8081, no leader election, 4 workers, 10m resync", () => {
    const o = run(["run"], { POD_NAME: "op-0" });
    assert.equal(o.namespace, undefined);
    assert.equal(o.metricsPort, 8081, "not 8080, the model server's port");
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
    {
      argv: ["run", "--workers", "0"],
      want: /'--workers <n>' argument '0' is invalid. Too small: expected number to be >=1/,
    },
    { argv: ["run", "--metrics-port", "http"], want: /'--metrics-port <n>' argument 'http' is invalid/ },
    { argv: ["run", "--resync-period", "soon"], want: /'soon' is invalid. Must be a duration such as 30s/ },
    { argv: ["run", "--log-level", "loud"], want: /Allowed choices are error, warn, info, debug/ },
    {
      argv: ["run", "--bogus"],
      want: /^sentiment-operator: unknown option '--bogus'. See 'sentiment-operator run --help'.$/,
    },
    { argv: ["serve"], want: /unknown command 'serve'/ },
    { argv: ["run", "--config", "/missing.yaml"], want: /Cannot read --config \/missing.yaml/ },
  ];
  for (const c of bad) test(`rejects ${c.argv.join(" ")}`, () => assert.match(failure(c.argv), c.want));

  test("rejects a bad leader-elect environment value", () => {
    assert.match(
      failure(["run"], { SENTIMENT_OPERATOR_LEADER_ELECT: "yes" }),
      /SENTIMENT_OPERATOR_LEADER_ELECT="yes" is invalid \(--leader-elect\): Must be true or false/,
    );
  });

  test("rejects an invalid config value naming the field", () => {
    const r = parseCli(["run", "--config", "/c.yaml"], {}, () => "serverPort: 70000\n");
    assert.ok(!r.ok);
    assert.match(r.error.message, /Operator config field serverPort/);
  });

  test("--help and --version print, on the program and on run", () => {
    for (const argv of [["--help"], ["help"], ["run", "--help"], ["help", "run"]]) {
      const r = parseCli(argv, {});
      assert.ok(r.ok && r.value.command === "print", argv.join(" "));
      assert.match(r.value.text, /^Usage: sentiment-operator/);
    }
    const runHelp = parseCli(["run", "--help"], {});
    assert.ok(runHelp.ok && runHelp.value.command === "print");
    const flat = runHelp.value.text.replace(/\s+/g, " ");
    assert.match(
      flat,
      /--metrics-port <n> +port of .*\(default: 8081\) \[env SENTIMENT_OPERATOR_METRICS_PORT\]/,
    );
    assert.match(flat, /--kubeconfig <path> .*\[env KUBECONFIG\]/);
    for (const argv of [["--version"], ["run", "--version"]]) {
      const r = parseCli(argv, {});
      assert.ok(r.ok && r.value.command === "print");
      assert.match(r.value.text, /^\d+\.\d+\.\d+\n$/);
    }
  });

  test("no command is a usage error that shows the commands", () => {
    const r = parseCli([], {});
    assert.ok(!r.ok);
    assert.match(r.error.message, /Commands:\n +run /);
  });

  test("a boolean variable is read by value, not by presence", () => {
    assert.equal(run(["run"], { SENTIMENT_OPERATOR_LEADER_ELECT: "false" }).leaderElect, false);
    assert.equal(run(["run"], { SENTIMENT_OPERATOR_LEADER_ELECT: "1" }).leaderElect, true);
  });

  test("KUBECONFIG is the ecosystem's variable for --kubeconfig; the flag wins", () => {
    assert.equal(run(["run"], { KUBECONFIG: "/a:/b" }).kubeconfig, "/a:/b");
    assert.equal(run(["run", "--kubeconfig", "/c"], { KUBECONFIG: "/a" }).kubeconfig, "/c");
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
