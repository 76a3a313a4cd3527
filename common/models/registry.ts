import type { ModelMetadata } from "../artifact/metadata.ts";
import type { SentimentPredictor } from "../model.ts";

/**
 * Builds the predictor of one architecture from an artifact directory whose metadata and file
 * digests the loader has already checked. May throw: a `FailureError` keeps its reason, any other
 * error is reported as `ArtifactCorrupt`.
 */
export type PredictorLoader = (dir: string, metadata: ModelMetadata) => Promise<SentimentPredictor>;

/** Imports the architecture's module on first use, so a server never loads tfjs for an nblr model. */
export type LazyPredictorLoader = () => Promise<PredictorLoader>;

const loaders = new Map<string, LazyPredictorLoader>();

/** Registers (or replaces) the inference side of an architecture under `metadata.architecture`. */
export function registerArchitecture(name: string, loader: LazyPredictorLoader): void {
  loaders.set(name, loader);
}

export function architectureLoader(name: string): LazyPredictorLoader | undefined {
  return loaders.get(name);
}

/** Registered architecture names, sorted. */
export function knownArchitectures(): string[] {
  return [...loaders.keys()].sort();
}
