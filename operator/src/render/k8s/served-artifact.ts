/**
 * The artifact a SentimentModel serves, resolved by core/sentiment-model/resolve-version.ts:
 * the claim holding it and the model directory inside the claim.
 */
export interface ServedArtifact {
  readonly version: string;
  readonly claimName: string;
  /** Directory inside the claim, e.g. `reviews/20250102-030405-1a2b3c4d`. */
  readonly path: string;
}
