/**
 * Tracking endpoints: experiments (get or create by name), runs (create, get, update), log-batch
 * (chunked to MLflow's limits) and metric history.
 */
import { z } from "zod";
import { chunkBatch, type Batch, type KeyValue } from "./batch.ts";
import { Empty, Experiment, Metric, Run, RunInfo, type RunStatus } from "./schemas.ts";
import { isMlflowErrorCode, type Request } from "./transport.ts";

const API = "/api/2.0/mlflow";

export interface CreateRunInput {
  readonly experimentId: string;
  readonly runName?: string;
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly tags?: readonly KeyValue[];
}

export interface Tracking {
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  /** The experiment named `name`, created if absent (a concurrent create is tolerated). */
  getOrCreateExperiment(name: string): Promise<Experiment>;
  createRun(input: CreateRunInput): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(
    runId: string,
    update: { status: RunStatus; endTime?: number; runName?: string },
  ): Promise<RunInfo>;
  /** Sends as many requests as MLflow's batch limits need; returns how many. */
  logBatch(runId: string, batch: Partial<Batch>): Promise<number>;
  setTag(runId: string, key: string, value: string): Promise<void>;
  getMetricHistory(runId: string, key: string): Promise<Metric[]>;
  /** Runs of the experiments matching MLflow's filter syntax (e.g. `tags.x = 'y'`), newest first. */
  searchRuns(experimentIds: readonly string[], filter?: string): Promise<Run[]>;
}

export function createTracking(request: Request): Tracking {
  const tracking: Tracking = {
    async getExperimentByName(name) {
      try {
        const r = await request({
          method: "GET",
          path: `${API}/experiments/get-by-name`,
          query: { experiment_name: name },
          schema: z.object({ experiment: Experiment }),
        });
        return r.experiment;
      } catch (e) {
        if (isMlflowErrorCode(e, "RESOURCE_DOES_NOT_EXIST")) return undefined;
        throw e;
      }
    },
    async getOrCreateExperiment(name) {
      const found = await tracking.getExperimentByName(name);
      if (found) return found;
      try {
        const created = await request({
          method: "POST",
          path: `${API}/experiments/create`,
          body: { name },
          schema: z.object({ experiment_id: z.string() }),
        });
        return { experiment_id: created.experiment_id, name };
      } catch (e) {
        if (!isMlflowErrorCode(e, "RESOURCE_ALREADY_EXISTS")) throw e;
        const raced = await tracking.getExperimentByName(name);
        if (!raced) throw e;
        return raced;
      }
    },
    async createRun(input) {
      const r = await request({
        method: "POST",
        path: `${API}/runs/create`,
        body: {
          experiment_id: input.experimentId,
          start_time: input.startTime,
          ...(input.runName === undefined ? {} : { run_name: input.runName }),
          tags: input.tags ?? [],
        },
        schema: z.object({ run: Run }),
      });
      return r.run;
    },
    async getRun(runId) {
      const r = await request({
        method: "GET",
        path: `${API}/runs/get`,
        query: { run_id: runId },
        schema: z.object({ run: Run }),
      });
      return r.run;
    },
    async updateRun(runId, update) {
      const r = await request({
        method: "POST",
        path: `${API}/runs/update`,
        body: {
          run_id: runId,
          status: update.status,
          ...(update.endTime === undefined ? {} : { end_time: update.endTime }),
          ...(update.runName === undefined ? {} : { run_name: update.runName }),
        },
        schema: z.object({ run_info: RunInfo }),
      });
      return r.run_info;
    },
    async logBatch(runId, batch) {
      const chunks = chunkBatch(batch);
      for (const chunk of chunks) {
        await request({
          method: "POST",
          path: `${API}/runs/log-batch`,
          body: {
            run_id: runId,
            params: chunk.params,
            tags: chunk.tags,
            metrics: chunk.metrics.map((m) => ({ ...m, step: m.step ?? 0 })),
          },
          schema: Empty,
        });
      }
      return chunks.length;
    },
    async setTag(runId, key, value) {
      await request({
        method: "POST",
        path: `${API}/runs/set-tag`,
        body: { run_id: runId, key, value },
        schema: Empty,
      });
    },
    async getMetricHistory(runId, key) {
      const r = await request({
        method: "GET",
        path: `${API}/metrics/get-history`,
        query: { run_id: runId, metric_key: key, max_results: 25000 },
        schema: z.object({ metrics: z.array(Metric).default([]) }),
      });
      return r.metrics;
    },
    async searchRuns(experimentIds, filter) {
      const r = await request({
        method: "POST",
        path: `${API}/runs/search`,
        body: {
          experiment_ids: experimentIds,
          ...(filter === undefined ? {} : { filter }),
          order_by: ["attributes.start_time DESC"],
          max_results: 1000,
        },
        schema: z.object({ runs: z.array(Run).default([]) }),
      });
      return r.runs;
    },
  };
  return tracking;
}
