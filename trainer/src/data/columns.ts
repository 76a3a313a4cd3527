/** Which CSV column / JSONL field holds the text and the label. */
export interface ColumnOptions {
  /** @default "text", else "review" (Kaggle's IMDB Dataset.csv) */
  readonly textColumn?: string | undefined;
  /** @default "label", else "sentiment" */
  readonly labelColumn?: string | undefined;
}

export const TEXT_COLUMNS = ["text", "review"] as const;
export const LABEL_COLUMNS = ["label", "sentiment"] as const;

/** The column to use: the configured one, else the first default present, else undefined. */
export function pickColumn(
  available: readonly string[],
  configured: string | undefined,
  defaults: readonly string[],
): string | undefined {
  if (configured !== undefined) return available.includes(configured) ? configured : undefined;
  return defaults.find((d) => available.includes(d));
}
