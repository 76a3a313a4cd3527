/**
 * What the model server (and `sentiment-train evaluate`) needs from a loaded model.
 * Implementations live in common/models/ and are selected by `metadata.architecture`.
 */
export interface SentimentPredictor {
  readonly architecture: string;
  /** P(positive) for each text, in order. Must not throw for any string, including "" . */
  predictProba(texts: readonly string[]): Promise<Float64Array>;
  /** Frees native/tfjs memory. Called after a hot-reload swap. */
  dispose(): void;
}
