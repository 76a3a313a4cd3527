import { z } from "zod";
import { ObjectName, RelativePath } from "./pod-settings.ts";
import { matching } from "./rules.ts";

export const DatasetSource = z.enum(["imdb", "url", "pvc"]);
export const DatasetFormat = z.enum(["aclImdb", "csv", "jsonl"]);

const column = z.string().min(1).max(128);

/** A sha256 digest as `sha256sum` prints it. */
export const Sha256 = matching(
  z.string().max(64),
  /^[0-9a-f]{64}$/,
  "must be a sha256 digest: 64 lowercase hex digits",
);

/**
 * The training data. `imdb` is the official IMDB archive (downloaded and verified by the trainer),
 * `url` a file the trainer downloads, `pvc` a file or directory on a PersistentVolumeClaim mounted
 * read-only into the training pod.
 */
export const Dataset = z
  .object({
    source: DatasetSource.default("imdb").describe(
      "Where the data comes from: imdb (the official IMDB archive, downloaded and verified by the trainer), url (a file the trainer downloads) or pvc (a file or directory on a PersistentVolumeClaim). Default: imdb.",
    ),
    url: matching(
      z.string().max(2048),
      /^https?:\/\/\S+$/,
      "must be an http(s) URL such as https://example.com/reviews.csv",
    )
      .optional()
      .describe("The file to download (http or https); required when source is url, refused otherwise."),
    claimName: ObjectName.optional().describe(
      "The PersistentVolumeClaim holding the data, in the run's namespace, mounted read-only; required when source is pvc, refused otherwise.",
    ),
    path: RelativePath.optional().describe(
      "Path of the data inside the claim (source pvc only): relative, without .. segments. Unset: the claim's root.",
    ),
    format: DatasetFormat.optional().describe(
      "aclImdb (the IMDB layout, a directory or .tar.gz), csv or jsonl. Unset: inferred from the file name.",
    ),
    sha256: Sha256.optional().describe(
      "Expected sha256 of the downloaded or mounted file; the trainer refuses a mismatch. Unset: not checked, except the imdb source, checked against the official archive's digest.",
    ),
    textColumn: column
      .optional()
      .describe("CSV column or JSONL field holding the review text. Unset: text, else review."),
    labelColumn: column
      .optional()
      .describe(
        "CSV column or JSONL field holding the label (pos/neg, positive/negative or 1/0). Unset: label, else sentiment.",
      ),
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "self.source != 'url' || has(self.url)",
        message: "spec.dataset.url is required when source is url",
      },
      {
        rule: "self.source == 'url' || !has(self.url)",
        message: "spec.dataset.url is only allowed when source is url",
      },
      {
        rule: "self.source != 'pvc' || has(self.claimName)",
        message: "spec.dataset.claimName is required when source is pvc",
      },
      {
        rule: "self.source == 'pvc' || !has(self.claimName)",
        message: "spec.dataset.claimName is only allowed when source is pvc",
      },
      {
        rule: "self.source == 'pvc' || !has(self.path)",
        message: "spec.dataset.path is only allowed when source is pvc",
      },
    ],
  });
export type Dataset = z.infer<typeof Dataset>;
