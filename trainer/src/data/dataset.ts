import type { LabeledText } from "../models/types.ts";
import { failure, FailureError, type Failure } from "../../../common/result.ts";

/** Why data was refused. Each message names the file and says what to do. */
export const DataReason = {
  NotFound: "DataNotFound",
  Empty: "DataEmpty",
  OneClass: "DataOneClass",
  MissingColumn: "DataMissingColumn",
  UnknownLabel: "DataUnknownLabel",
  Truncated: "DataTruncated",
  NotText: "DataNotText",
  UnsupportedFormat: "DataUnsupportedFormat",
  Invalid: "DataInvalid",
  DownloadFailed: "DataDownloadFailed",
} as const;
export type DataReason = (typeof DataReason)[keyof typeof DataReason];

export const dataError = (reason: DataReason, message: string): FailureError =>
  new FailureError(reason, message);
export const dataFailure = (reason: DataReason, message: string): Failure => failure(reason, message);

/** A loaded data source. `test` is absent for single-file sources (the trainer then holds out part of train). */
export interface Dataset {
  /** What the user passed (path or "imdb"), for metadata.dataset.source. */
  readonly source: string;
  /** sha256 of the file, or of the reviews of a directory. */
  readonly sha256: string;
  readonly train: LabeledText[];
  readonly test: LabeledText[] | undefined;
}

/** Names each label's count, and refuses data with a single class. */
export function checkBothClasses(path: string, examples: readonly LabeledText[], what: string): void {
  let pos = 0;
  for (const e of examples) pos += e.label;
  const neg = examples.length - pos;
  if (examples.length === 0)
    throw dataError(
      DataReason.Empty,
      `${path} holds no ${what} reviews: check the file, or pass another --data.`,
    );
  if (pos === 0 || neg === 0) {
    throw dataError(
      DataReason.OneClass,
      `${path} has only ${pos === 0 ? "negative" : "positive"} ${what} reviews (${examples.length}): training needs both classes; pass data with positive and negative labels.`,
    );
  }
}
