/**
 * Model registry endpoints: registered models, model versions (created from a run's artifacts,
 * then awaited until READY) and aliases.
 */
import { z } from "zod";
import type { KeyValue } from "./batch.ts";
import { Empty, ModelVersion, RegisteredModel } from "./schemas.ts";
import { isMlflowErrorCode, MlflowError, type Request } from "./transport.ts";

const API = "/api/2.0/mlflow";

export interface CreateModelVersionInput {
  readonly name: string;
  /** `runs:/<run id>/model` or the artifact URI the files were uploaded to. */
  readonly source: string;
  readonly runId?: string;
  readonly tags?: readonly KeyValue[];
  readonly description?: string;
}

export interface WaitOptions {
  /** @default 60_000 */
  readonly timeoutMs?: number;
  /** @default 500 */
  readonly intervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Registry {
  getRegisteredModel(name: string): Promise<RegisteredModel | undefined>;
  /** Creates the registered model unless it exists; returns it either way. */
  ensureRegisteredModel(name: string, description?: string): Promise<RegisteredModel>;
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  getModelVersion(name: string, version: string): Promise<ModelVersion>;
  /** Versions of `name` made from run `runId`, newest first. */
  findModelVersionsByRun(name: string, runId: string): Promise<ModelVersion[]>;
  /** Polls until the version is READY; throws if registration failed or the wait timed out. */
  waitForModelVersionReady(name: string, version: string, options?: WaitOptions): Promise<ModelVersion>;
  setAlias(name: string, alias: string, version: string): Promise<void>;
  /** The version the alias points at, or undefined if the alias (or the model) does not exist. */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;
  deleteAlias(name: string, alias: string): Promise<void>;
}

export function createRegistry(request: Request): Registry {
  const registry: Registry = {
    async getRegisteredModel(name) {
      try {
        const r = await request({
          method: "GET",
          path: `${API}/registered-models/get`,
          query: { name },
          schema: z.object({ registered_model: RegisteredModel }),
        });
        return r.registered_model;
      } catch (e) {
        if (isMlflowErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) return undefined;
        throw e;
      }
    },
    async ensureRegisteredModel(name, description) {
      const found = await registry.getRegisteredModel(name);
      if (found) return found;
      try {
        const r = await request({
          method: "POST",
          path: `${API}/registered-models/create`,
          body: { name, ...(description === undefined ? {} : { description }) },
          schema: z.object({ registered_model: RegisteredModel }),
        });
        return r.registered_model;
      } catch (e) {
        if (!isMlflowErrorCode(e, "RESOURCE_ALREADY_EXISTS")) throw e;
        const raced = await registry.getRegisteredModel(name);
        if (!raced) throw e;
        return raced;
      }
    },
    async createModelVersion(input) {
      const r = await request({
        method: "POST",
        path: `${API}/model-versions/create`,
        body: {
          name: input.name,
          source: input.source,
          ...(input.runId === undefined ? {} : { run_id: input.runId }),
          tags: input.tags ?? [],
          ...(input.description === undefined ? {} : { description: input.description }),
        },
        schema: z.object({ model_version: ModelVersion }),
      });
      return r.model_version;
    },
    async getModelVersion(name, version) {
      const r = await request({
        method: "GET",
        path: `${API}/model-versions/get`,
        query: { name, version },
        schema: z.object({ model_version: ModelVersion }),
      });
      return r.model_version;
    },
    async findModelVersionsByRun(name, runId) {
      const r = await request({
        method: "GET",
        path: `${API}/model-versions/search`,
        query: { filter: `name=${sqlString(name)} and run_id=${sqlString(runId)}`, max_results: 100 },
        schema: z.object({ model_versions: z.array(ModelVersion).default([]) }),
      });
      return r.model_versions.sort((a, b) => Number(b.version) - Number(a.version));
    },
    async waitForModelVersionReady(name, version, options = {}) {
      const timeoutMs = options.timeoutMs ?? 60_000;
      const intervalMs = options.intervalMs ?? 500;
      const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mv = await registry.getModelVersion(name, version);
        if (mv.status === "READY") return mv;
        if (mv.status === "FAILED_REGISTRATION")
          throw new MlflowError(
            "MlflowRequestFailed",
            `MLflow failed to register ${name} version ${version}${mv.status_message ? `: ${mv.status_message}` : ""}.`,
          );
        if (Date.now() >= deadline)
          throw new MlflowError(
            "MlflowUnavailable",
            `${name} version ${version} was still ${mv.status} after ${timeoutMs} ms.`,
          );
        await sleep(intervalMs);
      }
    },
    async setAlias(name, alias, version) {
      await request({
        method: "POST",
        path: `${API}/registered-models/alias`,
        body: { name, alias, version },
        schema: Empty,
      });
    },
    async getVersionByAlias(name, alias) {
      try {
        const r = await request({
          method: "GET",
          path: `${API}/registered-models/alias`,
          query: { name, alias },
          schema: z.object({ model_version: ModelVersion }),
        });
        return r.model_version;
      } catch (e) {
        if (
          isMlflowErrorCode(e, "RESOURCE_DOES_NOT_EXIST") ||
          isMlflowErrorCode(e, "INVALID_PARAMETER_VALUE")
        )
          return undefined;
        throw e;
      }
    },
    async deleteAlias(name, alias) {
      await request({
        method: "DELETE",
        path: `${API}/registered-models/alias`,
        body: { name, alias },
        schema: Empty,
      });
    },
  };
  return registry;
}

/** A single-quoted string literal for MLflow's search filter grammar. */
const sqlString = (s: string): string => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
