import type { V1EnvVar } from "@kubernetes/client-node";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import { defined } from "./defined.ts";

/** Seconds readiness reports 503 after SIGTERM before the listener closes, so endpoints drop the pod first. */
export const SHUTDOWN_DELAY_MS = 5000;

/**
 * The server's environment (the variable names of model-server/src/config.ts): the model
 * directory, port, request limits, the auth token file, then the user's `spec.server.env`, which
 * wins on a name clash (listed once, so server-side apply's `env` list-map stays valid).
 */
export function serverEnv(
  model: SentimentModel,
  modelDir: string,
  port: number,
  authTokenFile: string | undefined,
): V1EnvVar[] {
  const limits = model.spec.server.limits ?? {};
  const ours: [string, string | number | undefined][] = [
    ["SENTIMENT_SERVE_MODEL", modelDir],
    ["PORT", port],
    ["SENTIMENT_SERVE_MAX_BATCH_SIZE", limits.maxBatchSize],
    ["SENTIMENT_SERVE_MAX_TEXT_LENGTH", limits.maxTextLength],
    ["SENTIMENT_SERVE_MAX_BODY_BYTES", limits.maxBodyBytes],
    ["SENTIMENT_SERVE_AUTH_TOKEN_FILE", authTokenFile],
    ["SENTIMENT_SERVE_SHUTDOWN_DELAY_MS", SHUTDOWN_DELAY_MS],
  ];
  const user = model.spec.server.env ?? [];
  const userNames = new Set(user.map((e) => e.name));
  const base: V1EnvVar[] = ours
    .filter((e): e is [string, string | number] => e[1] !== undefined && !userNames.has(e[0]))
    .map(([name, value]) => ({ name, value: String(value) }));
  return [...base, ...defined(user)];
}
