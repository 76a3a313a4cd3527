/**
 * Splits a log-batch into requests MLflow accepts: at most 1000 metrics, 100 params and 100 tags
 * per request, and 1000 entities in all (MLflow's `MAX_METRICS_PER_BATCH`,
 * `MAX_PARAMS_TAGS_PER_BATCH`, `MAX_ENTITIES_PER_BATCH`). Params go first, so a run's params are
 * complete before its metrics arrive; order within each kind is kept.
 */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, entities: 1000 } as const;

export interface MetricPoint {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  /** @default 0 */
  readonly step?: number;
}
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}
export interface Batch {
  readonly metrics: readonly MetricPoint[];
  readonly params: readonly KeyValue[];
  readonly tags: readonly KeyValue[];
}

export function chunkBatch(batch: Partial<Batch>, limits = BATCH_LIMITS): Batch[] {
  const queues = {
    params: [...(batch.params ?? [])],
    tags: [...(batch.tags ?? [])],
    metrics: [...(batch.metrics ?? [])],
  };
  const chunks: Batch[] = [];
  while (queues.params.length + queues.tags.length + queues.metrics.length > 0) {
    let room = limits.entities;
    const take = <T>(queue: T[], max: number): T[] => {
      const taken = queue.splice(0, Math.min(max, room));
      room -= taken.length;
      return taken;
    };
    const params = take(queues.params, limits.params);
    const tags = take(queues.tags, limits.tags);
    const metrics = take(queues.metrics, limits.metrics);
    chunks.push({ metrics, params, tags });
  }
  return chunks;
}
