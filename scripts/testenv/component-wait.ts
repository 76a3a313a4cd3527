import { setTimeout as sleep } from "node:timers/promises";
import { FailureError } from "../../common/result.ts";
import { tailLines } from "./logs.ts";
import type { StartedProcess } from "./processes.ts";

/** Polls `check` until true; fails fast, with its log tail, if a component (control plane or node) exits meanwhile. */
export async function waitFor(
  what: string,
  procs: readonly StartedProcess[],
  timeoutMs: number,
  check: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    const dead = procs.find((p) => p.exit !== undefined);
    if (dead) {
      const how = dead.exit?.signal ? `signal ${dead.exit.signal}` : `code ${dead.exit?.code}`;
      throw new FailureError(
        "StartFailed",
        `${dead.record.name} exited with ${how} while waiting for ${what}. Last lines of ${dead.record.log}:\n` +
          (await tailLines(dead.record.log, 30)),
      );
    }
    try {
      if (await check()) return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      const logs = await Promise.all(
        procs.map(async (p) => `--- ${p.record.name}\n${await tailLines(p.record.log, 15)}`),
      );
      throw new FailureError(
        "StartFailed",
        `Timed out after ${timeoutMs / 1000}s waiting for ${what}${lastError ? ` (last error: ${lastError})` : ""}.\n` +
          logs.join("\n"),
      );
    }
    await sleep(100);
  }
}
