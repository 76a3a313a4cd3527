import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createProgress } from "./progress.ts";

function capture(tty: boolean) {
  let text = "";
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY: tty },
  );
  let now = 0;
  const progress = createProgress({ stream, now: () => now });
  return { progress, advance: (ms: number) => (now += ms), text: () => text };
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

  test("on a TTY: a redrawn bar with percent and ETA, ended by a newline", () => {
    const c = capture(true);
    c.progress.update("training", 0.5, "epoch 3");
    c.advance(2000);
    c.progress.update("training", 0.75, "epoch 4");
    c.progress.done();
    const text = c.text();
    // eslint-disable-next-line no-control-regex -- the bar redraws with ANSI escapes
    assert.match(text, /\r\x1b\[2Ktraining +█+░+ +75% +ETA 0:01 +epoch 4\n$/);
    assert.equal(text.split("\n").length, 2, "one line, redrawn in place");
  });
});
