/**
 * Progress of long phases (reading, training, evaluating). On a TTY: one redrawn bar per phase with
 * percent and ETA. Otherwise: a plain line at each quarter, and at least once a minute in between
 * (an epoch of the bilstm takes an hour), so logs in a pod stay readable and show it is alive.
 */
export interface Progress {
  /** `fraction` in [0, 1] of the phase named `phase` (a new name starts a new bar); `detail` says what runs now. */
  update(phase: string, fraction: number, detail?: string): void;
  /** Ends the current bar. */
  done(): void;
}

/** Without a TTY, the longest silence between two lines of one phase. */
const HEARTBEAT_MS = 60_000;

export const silentProgress: Progress = { update() {}, done() {} };

const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

export interface ProgressOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** @default stream.isTTY */
  readonly tty?: boolean;
  readonly now?: () => number;
}

export function createProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const tty = options.tty ?? stream.isTTY === true;
  const now = options.now ?? (() => performance.now());
  let phase: string | undefined;
  let started = 0;
  let lastDraw = -Infinity;
  let lastQuarter = -1;
  let lastLine = 0;
  let open = false;

  const finish = (): void => {
    if (tty && open) stream.write("\n");
    open = false;
  };

  return {
    update(name, fraction, detail) {
      const f = Math.min(1, Math.max(0, fraction));
      const t = now();
      if (name !== phase) {
        finish();
        phase = name;
        started = t;
        lastDraw = -Infinity;
        lastQuarter = -1;
        lastLine = t;
      }
      const elapsed = (t - started) / 1000;
      const eta = f > 0.02 ? (elapsed / f) * (1 - f) : undefined;
      if (tty) {
        if (t - lastDraw < 100 && f < 1) return;
        lastDraw = t;
        const width = 28;
        const filled = Math.round(f * width);
        const bar = "█".repeat(filled) + "░".repeat(width - filled);
        const tail = eta === undefined ? `${clock(elapsed)} elapsed` : `ETA ${clock(eta)}`;
        stream.write(
          `\r\x1b[2K${name.padEnd(10)} ${bar} ${String(Math.floor(f * 100)).padStart(3)}%  ${tail}${detail ? `  ${detail}` : ""}`,
        );
        open = true;
      } else {
        const quarter = Math.floor(f * 4);
        const newQuarter = quarter !== lastQuarter && quarter > 0;
        if (!newQuarter && t - lastLine < HEARTBEAT_MS) return;
        lastQuarter = quarter;
        lastLine = t;
        const percent = newQuarter ? quarter * 25 : Math.floor(f * 100);
        const when = eta !== undefined && f < 1 ? `ETA ${clock(eta)}` : `${clock(elapsed)} elapsed`;
        stream.write(`${name}: ${percent}% (${when})${detail && f < 1 ? ` ${detail}` : ""}\n`);
      }
    },
    done: finish,
  };
}
