/**
 * A graceful stop on SIGINT and SIGTERM, for programs that npm starts (`npm start`, `npx`,
 * `npm test`). One Ctrl-C reaches such a program twice: from the terminal, which signals the whole
 * foreground process group, and again from npm, which passes signals on to its script
 * (npm/cli#5021). A repeat within `echoMs` of the first signal is that echo and is ignored (the
 * workaround of microsoft/playwright#7916); a later one is the user insisting, and goes to `again`
 * (ignored without it). Returns a function that removes the handlers.
 */
export function onStopSignal(
  stop: (signal: NodeJS.Signals) => void,
  again?: (signal: NodeJS.Signals) => void,
  echoMs = 1_000,
): () => void {
  let first: number | undefined;
  const handler = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = Date.now();
      stop(signal);
    } else if (Date.now() - first >= echoMs) again?.(signal);
  };
  process.on("SIGINT", handler).on("SIGTERM", handler);
  return () => void process.off("SIGINT", handler).off("SIGTERM", handler);
}
