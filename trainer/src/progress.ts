import cliProgress from "cli-progress";

/**
 * Progress of long phases (reading, training, evaluating). On a TTY: one redrawn bar per phase with
 * percent and ETA, drawn by cli-progress. Otherwise: a plain line at each quarter, and at least once
 * a minute in between (an epoch of the bilstm takes an hour), so logs in a pod stay readable and
 * show it is alive.
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
  /** Without a TTY, the clock of the plain lines. @default performance.now */
  readonly now?: () => number;
}

/** A bar on a TTY (`stream.isTTY`), plain lines otherwise. `done()` must end each phase: a bar redraws on a timer until then. */
export function createProgress(options: ProgressOptions): Progress {
  return options.stream.isTTY === true ? barProgress(options.stream) : lineProgress(options);
}

/**
 * cli-progress's MultiBar holding one bar: unlike its SingleBar it neither saves nor restores the
 * cursor, so log lines written while a bar runs stay where they are (npkgz/cli-progress#145).
 */
function barProgress(stream: NodeJS.WritableStream): Progress {
  let bars: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  let phase: string | undefined;
  const finish = (): void => {
    bars?.stop();
    bars = bar = phase = undefined;
  };
  return {
    update(name, fraction, detail = "") {
      const f = Math.min(1, Math.max(0, fraction));
      const payload = { phase: name.padEnd(10), detail };
      if (bar !== undefined && name === phase) return bar.update(f, payload);
      finish();
      phase = name;
      bars = new cliProgress.MultiBar({
        stream,
        format: "{phase} {bar} {percentage}%  ETA {eta_formatted}  {detail}",
        formatTime: (t) => (typeof t === "number" ? clock(t) : "-:--"), // "NULL"/"INF" before a rate
        barsize: 28,
        barCompleteChar: "█",
        barIncompleteChar: "░",
        etaBuffer: 50,
        linewrap: true, // cut to the terminal's width; never switch the terminal's wrapping off
      });
      bar = bars.create(1, f, payload);
    },
    done: finish,
  };
}

function lineProgress(options: ProgressOptions): Progress {
  const { stream } = options;
  const now = options.now ?? (() => performance.now());
  let phase: string | undefined;
  let started = 0;
  let lastQuarter = -1;
  let lastLine = 0;

  return {
    update(name, fraction, detail) {
      const f = Math.min(1, Math.max(0, fraction));
      const t = now();
      if (name !== phase) {
        phase = name;
        started = t;
        lastQuarter = -1;
        lastLine = t;
      }
      const elapsed = (t - started) / 1000;
      const eta = f > 0.02 ? (elapsed / f) * (1 - f) : undefined;
      const quarter = Math.floor(f * 4);
      const newQuarter = quarter !== lastQuarter && quarter > 0;
      if (!newQuarter && t - lastLine < HEARTBEAT_MS) return;
      lastQuarter = quarter;
      lastLine = t;
      const percent = newQuarter ? quarter * 25 : Math.floor(f * 100);
      const when = eta !== undefined && f < 1 ? `ETA ${clock(eta)}` : `${clock(elapsed)} elapsed`;
      stream.write(`${name}: ${percent}% (${when})${detail && f < 1 ? ` ${detail}` : ""}\n`);
    },
    done() {},
  };
}
