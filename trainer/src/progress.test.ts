import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { createProgress } from "./progress.ts";
import { withTempDir } from "./testing/fixtures.ts";

function capture(tty: boolean) {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY: tty, columns: 120 },
  );
  let now = 0;
  const progress = createProgress({ stream, now: () => now });
  return {
    progress,
    advance: (ms: number) => (now += ms),
    write: (s: string) => stream.write(s),
    text: () => text,
  };
}

describe("progress", () => {
  test("without a TTY: one plain line per quarter, with an ETA", () => {
    const c = capture(false);
    for (let i = 0; i <= 10; i++) {
      c.progress.update("reading", i / 10, "archive");
      c.advance(1000);
    }
    c.progress.done();
    assert.deepEqual(c.text().trim().split("\n"), [
      "reading: 25% (ETA 0:07) archive", // first at 30 % after 3 s
      "reading: 50% (ETA 0:05) archive",
      "reading: 75% (ETA 0:02) archive", // first at 80 % after 8 s
      "reading: 100% (0:10 elapsed)",
    ]);
  });

  test("without a TTY, a slow phase still gets a line every minute", () => {
    const c = capture(false);
    for (let i = 0; i <= 20; i++) {
      c.progress.update("training", i / 100, "epoch 1/1"); // 1 % per 30 s: 25 % after 12.5 min
      c.advance(30_000);
    }
    const lines = c.text().trim().split("\n");
    assert.equal(lines.length, 10, lines.join("\n")); // 20 updates over 10 min, one line per minute
    assert.equal(lines[0], "training: 2% (1:00 elapsed) epoch 1/1"); // too early for an ETA
    assert.equal(lines[9], "training: 20% (ETA 40:00) epoch 1/1");
  });

  test("on a TTY: a cli-progress bar per phase, ended by a newline, that leaves other lines alone", () => {
    const c = capture(true);
    c.progress.update("training", 0.5, "epoch 3");
    c.write("a log line\n"); // the trainer logs while a bar runs
    c.progress.update("training", 0.75, "epoch 4");
    c.progress.done();
    c.progress.update("evaluating", 1);
    c.progress.done();
    assert.doesNotMatch(c.text(), CURSOR_JUMPS, "no cursor save/restore, no move up, wrapping left on");
    const lines = plain(c.text()).split("\n");
    assert.equal(lines.length, 4, lines.join("\n"));
    assert.equal(lines[0], "a log line");
    assert.match(lines[1]!, /^training {3}█{21}░{7} 75% {2}ETA (\d+:\d\d|-:--) {2}epoch 4$/);
    assert.match(lines[2]!, /^evaluating █{28} 100% {2}ETA (0:00|-:--) {2}$/);
    assert.equal(lines[3], "");
  });
});

// eslint-disable-next-line no-control-regex -- what a bar must never write
const CURSOR_JUMPS = /\x1b(7|8|\[\d*A|\[\?7l)/;
// eslint-disable-next-line no-control-regex -- the escapes a bar writes
const ESCAPES = /\x1b\[[0-9;]*[A-Za-z]/g;

/** The text a terminal shows: escapes dropped, each line as last drawn (a redraw starts with `\x1b[1G`). */
const plain = (text: string): string =>
  text
    .replaceAll("\x1b[1G", "\r")
    .replace(ESCAPES, "")
    .split("\n")
    .map((line) => line.split("\r").findLast((part) => part !== "") ?? "")
    .join("\n");

describe("sentiment-train's progress on a real terminal and without one", () => {
  const bin = join(import.meta.dirname, "../bin/sentiment-train.js");
  const train = (dir: string, out: string): string =>
    `'${process.execPath}' '${bin}' train --data '${join(dir, "d.csv")}' --out '${join(dir, out)}'`;
  const env = { ...process.env, SENTIMENT_TRAIN_LOG_LEVEL: "error" };
  const reviews = (): string => {
    const rows = ["review,sentiment"];
    for (let i = 0; i < 200; i++) rows.push(`Great film ${i},positive`, `Awful film ${i},negative`);
    return rows.join("\n") + "\n";
  };

  test("a pseudo-terminal (script) gets bars; a pipe gets plain lines", () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, "d.csv"), reviews());
      const tty = spawnSync("script", ["-qfec", train(dir, "tty"), "/dev/null"], { env, encoding: "utf8" });
      assert.ok(
        tty.error === undefined,
        `script (util-linux) gives the CLI a pseudo-terminal: ${tty.error?.message}`,
      );
      assert.equal(tty.status, 0, tty.stdout);
      assert.match(plain(tty.stdout), /^training +█{28} 100% .*$/m);
      assert.match(plain(tty.stdout), /^evaluating █{28} 100% .*$/m);
      assert.doesNotMatch(tty.stdout, /training: \d+%/);

      const piped = spawnSync("sh", ["-c", train(dir, "piped")], { env, encoding: "utf8" });
      assert.equal(piped.status, 0, piped.stderr);
      assert.match(piped.stderr, /^training: 100% \(\d+:\d\d elapsed\)$/m);
      assert.match(piped.stderr, /^evaluating: 100% \(\d+:\d\d elapsed\)$/m);
      assert.ok(!piped.stderr.includes("\x1b") && !piped.stderr.includes("█"), "no escapes or bars in a log");
    }));
});
