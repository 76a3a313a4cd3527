import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const LOG_MODULE = fileURLToPath(new URL("./log.ts", import.meta.url));

/** Runs `body` in a fresh Node process with `createLogger` imported; returns its stderr lines. */
function stderrOf(body: string): string[] {
  const code = `const { createLogger } = await import(${JSON.stringify(LOG_MODULE)});\n${body}`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "", "nothing goes to stdout");
  return r.stderr.split("\n").filter((l) => l !== "");
}

describe("createLogger (JSON lines on stderr)", () => {
  test("one JSON object per line: timestamp, level, message, component, then the fields", () => {
    const lines = stderrOf(`
      const log = createLogger({ component: "model-server" });
      log.info("Served request", { route: "/predict", status: 200, ms: 0.42 });
      log.debug("Hidden below the level");
      log.error("Failed request", { reason: "ModelNotReady" });`);
    assert.equal(lines.length, 2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), [
      "timestamp",
      "level",
      "message",
      "component",
      "route",
      "status",
      "ms",
    ]);
    assert.deepEqual(
      { ...first, timestamp: undefined },
      {
        timestamp: undefined,
        level: "info",
        message: "Served request",
        component: "model-server",
        route: "/predict",
        status: 200,
        ms: 0.42,
      },
    );
    assert.ok(!Number.isNaN(Date.parse(first["timestamp"] as string)));
    assert.equal((JSON.parse(lines[1]!) as { level: string }).level, "error");
  });

  test("values plain JSON cannot encode still give a line", () => {
    const [line] = stderrOf(`
      const cycle = { name: "a" }; cycle.self = cycle;
      createLogger({ component: "c" }).warn("Odd values", { cycle, big: 12n });`);
    const parsed = JSON.parse(line!) as { cycle: { self: string }; big: string; message: string };
    assert.equal(parsed.message, "Odd values");
    assert.equal(parsed.big, "12");
    assert.equal(parsed.cycle.self, "[Circular]");
  });

  test("lines written in the same turn as process.exit are not lost, and keep their order", () => {
    const lines = stderrOf(`
      const log = createLogger({ component: "c" });
      for (let i = 0; i < 1000; i++) log.info("Counted", { i });
      process.exit(0);`);
    assert.equal(lines.length, 1000);
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { i: number }).i),
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test("silent loggers write nothing; pretty loggers write one readable line", () => {
    assert.deepEqual(stderrOf(`createLogger({ component: "c", silent: true }).error("Nothing")`), []);
    const [line] = stderrOf(
      `createLogger({ component: "c", pretty: true }).warn("Slow load", { seconds: 3 })`,
    );
    assert.match(line!, /^\d\d:\d\d:\d\d WARN {2}Slow load seconds=3$/);
  });
});
