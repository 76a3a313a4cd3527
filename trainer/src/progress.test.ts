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
