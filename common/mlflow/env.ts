/**
 * MLflow's own environment variables, as every MLflow client reads them: `MLFLOW_TRACKING_URI`,
 * `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD` (basic auth) or `MLFLOW_TRACKING_TOKEN`
 * (bearer), `MLFLOW_EXPERIMENT_NAME`.
 */
import type { MlflowConnection } from "./transport.ts";

export const MLFLOW_ENV = {
  trackingUri: "MLFLOW_TRACKING_URI",
  username: "MLFLOW_TRACKING_USERNAME",
  password: "MLFLOW_TRACKING_PASSWORD",
  token: "MLFLOW_TRACKING_TOKEN",
  experiment: "MLFLOW_EXPERIMENT_NAME",
} as const;

/** The auth part of a connection from the environment (the URI may come from a flag instead). */
export function authFromEnv(env: NodeJS.ProcessEnv): MlflowConnection["auth"] {
  const token = env[MLFLOW_ENV.token];
  if (token) return { token };
  const username = env[MLFLOW_ENV.username];
  const password = env[MLFLOW_ENV.password];
  if (username && password) return { username, password };
  return undefined;
}

export function connectionFor(trackingUri: string, env: NodeJS.ProcessEnv): MlflowConnection {
  const auth = authFromEnv(env);
  return { trackingUri, ...(auth === undefined ? {} : { auth }) };
}
