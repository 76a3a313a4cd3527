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

interface BarPayload {
  readonly phase: string;
  readonly detail: string;
}

/** cli-progress's bar, its line in our words: `training  ███░░░  42%  ETA 1:05  epoch 3/5`. */
const barLine: cliProgress.GenericFormatter = (options, params, payload: BarPayload) => {
  const elapsed = (Date.now() - params.startTime) / 1000;
  const tail =
    typeof params.eta === "number" && params.progress > 0.02 && params.progress < 1
      ? `ETA ${clock(params.eta)}`
      : `${clock(elapsed)} elapsed`;
  const percent = String(Math.floor(params.progress * 100)).padStart(3);
  const bar = cliProgress.Format.BarFormat(params.progress, options);
  return `${payload.phase.padEnd(10)} ${bar} ${percent}%  ${tail}${payload.detail ? `  ${payload.detail}` : ""}`;
};

/**
 * A MultiBar holding one bar: unlike cli-progress's SingleBar it neither saves nor restores the
 * cursor, so log lines written while it runs stay where they are (npkgz/cli-progress#145).
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
      if (bar !== undefined && name === phase) {
        bar.update(f, { phase: name, detail });
        return;
      }
      finish();
      phase = name;
      bars = new cliProgress.MultiBar({
        stream,
        format: barLine,
        barsize: 28,
        barCompleteChar: "█",
        barIncompleteChar: "░",
        etaBuffer: 50,
        linewrap: true, // cut to the terminal's width; never switch the terminal's wrapping off
      });
      bar = bars.create(1, f, { phase: name, detail });
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
