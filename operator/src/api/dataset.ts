import { z } from "zod";
import { ObjectName, RelativePath } from "./pod-settings.ts";

export const DatasetSource = z.enum(["imdb", "url", "pvc"]);
export const DatasetFormat = z.enum(["aclImdb", "csv", "jsonl"]);

const column = z.string().min(1).max(128);

/**
 * The training data. `imdb` is the official IMDB archive (downloaded and verified by the trainer),
 * `url` a file the trainer downloads, `pvc` a file or directory on a PersistentVolumeClaim mounted
 * read-only into the training pod.
 */
export const Dataset = z
  .object({
    source: DatasetSource.default("imdb").describe("Where the data comes from: imdb, url or pvc."),
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/\S+$/, "must be an http(s) URL")
      .optional()
      .describe("The file to download; required when source is url."),
    claimName: ObjectName.optional().describe(
      "The PersistentVolumeClaim holding the data; required when source is pvc.",
    ),
    path: RelativePath.optional().describe(
      "Path of the data inside the claim (source pvc); the claim's root when unset.",
    ),
    format: DatasetFormat.optional().describe(
      "aclImdb (directory or .tar.gz), csv or jsonl; inferred from the file name when unset.",
    ),
    sha256: z
      .string()
      .length(64)
      .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex digits")
      .optional()
      .describe("Expected sha256 of the file; the trainer refuses a mismatch."),
    textColumn: column.optional().describe("CSV/JSONL field holding the review text."),
    labelColumn: column
      .optional()
      .describe("CSV/JSONL field holding the label (pos/neg, positive/negative, 1/0)."),
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
