import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CONFIG_DEFAULTS, parseConfig, type ServerConfig } from "./config.ts";

const configOf = (argv: string[], env: Record<string, string> = {}): ServerConfig => {
  const r = parseConfig(argv, env);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  assert.ok("config" in r.value);
  return r.value.config;
};
const failureOf = (argv: string[], env: Record<string, string> = {}): string => {
  const r = parseConfig(argv, env);
  assert.ok(!r.ok, "expected a failure");
  assert.equal(r.error.reason, "InvalidArguments");
  return r.error.message;
};

describe("parseConfig", () => {
  test("applies the defaults", () => {
    const c = configOf(["--model", "/m"]);
    assert.equal(c.modelDir, "/m");
    assert.equal(c.port, 8080);
    assert.equal(c.host, "0.0.0.0");
    assert.equal(c.maxBatchSize, 256);
    assert.equal(c.microBatchMs, 0, "micro-batching is on by default (same event-loop turn)");
    assert.equal(c.predictInWorker, false);
    assert.equal(c.authToken, undefined);
    assert.deepEqual(
      { ...c, modelDir: undefined, authToken: undefined, authTokenFile: undefined },
      {
        ...CONFIG_DEFAULTS,
        modelDir: undefined,
        authToken: undefined,
        authTokenFile: undefined,
      },
    );
  });

  test("reads environment variables, and flags win over them", () => {
    const env = {
      SENTIMENT_SERVE_MODEL: "/env",
      PORT: "9000",
      HOST: "127.0.0.1",
      SENTIMENT_SERVE_MAX_BATCH_SIZE: "8",
      SENTIMENT_SERVE_MICRO_BATCH: "2",
      SENTIMENT_SERVE_MICRO_BATCH_SIZE: "16",
      SENTIMENT_SERVE_LOG_REQUESTS: "false",
    };
    const fromEnv = configOf([], env);
    assert.equal(fromEnv.modelDir, "/env");
    assert.equal(fromEnv.port, 9000);
    assert.equal(fromEnv.host, "127.0.0.1");
    assert.equal(fromEnv.maxBatchSize, 8);
    assert.equal(fromEnv.microBatchMs, 2);
    assert.equal(fromEnv.microBatchSize, 16);
    assert.equal(fromEnv.logRequests, false);
    const flags = configOf(
      ["--model", "/flag", "--port", "0", "--micro-batch", "off", "--micro-batch-size", "4"],
      env,
    );
    assert.equal(flags.modelDir, "/flag");
    assert.equal(flags.port, 0);
    assert.equal(flags.microBatchMs, undefined);
    assert.equal(flags.microBatchSize, 4);
  });

  test("takes the token from SENTIMENT_SERVE_AUTH_TOKEN but refuses it together with a token file", () => {
    assert.equal(configOf(["--model", "/m"], { SENTIMENT_SERVE_AUTH_TOKEN: "s3cret" }).authToken, "s3cret");
    const msg = failureOf(["--model", "/m", "--auth-token-file", "/t"], {
      SENTIMENT_SERVE_AUTH_TOKEN: "s3cret",
    });
    assert.match(msg, /keep only one/);
    assert.doesNotMatch(msg, /s3cret/);
  });

  const bad: [string, string[], Record<string, string>, RegExp][] = [
    ["no model", [], {}, /--model <DIR> or set SENTIMENT_SERVE_MODEL/],
    [
      "port out of range",
      ["--model", "/m", "--port", "70000"],
      {},
      /'--port <n>' argument '70000' is invalid/,
    ],
    ["port not a number in env", ["--model", "/m"], { PORT: "http" }, /PORT="http" is invalid \(--port\)/],
    [
      "a bad boolean",
      ["--model", "/m"],
      { SENTIMENT_SERVE_PREDICT_IN_WORKER: "yes" },
      /Must be true or false/,
    ],
    ["zero batch", ["--model", "/m", "--max-batch-size", "0"], {}, /--max-batch-size/],
    ["bad micro-batch", ["--model", "/m", "--micro-batch", "sometimes"], {}, /--micro-batch/],
    ["bad log level", ["--model", "/m", "--log-level", "loud"], {}, /--log-level/],
    ["unknown flag", ["--model", "/m", "--colour"], {}, /--help/],
  ];
  for (const [name, argv, env, pattern] of bad) {
    test(`refuses ${name} with a message naming the option`, () =>
      assert.match(failureOf(argv, env), pattern));
  }

  test("--help lists each option with its variable; --version prints the version", () => {
    const help = parseConfig(["--help"], {});
    assert.ok(help.ok && "print" in help.value);
    const flat = help.value.print.replace(/\s+/g, " ");
    assert.match(flat, /--max-batch-size <n> .*\(default: 256\) \[env SENTIMENT_SERVE_MAX_BATCH_SIZE\]/);
    assert.match(flat, /--port <n> .*\[env PORT\]/);
    const version = parseConfig(["--version"], {});
    assert.ok(version.ok && "print" in version.value);
    assert.match(version.value.print, /^\d+\.\d+\.\d+\n$/);
  });
});
