import { readFile, stat } from "node:fs/promises";
import { createHash } from "node:crypto";
import type { LabeledText } from "../models/types.ts";
import { LABEL_COLUMNS, pickColumn, TEXT_COLUMNS, type ColumnOptions } from "./columns.ts";
import { CsvSyntaxError, parseCsv } from "./csv.ts";
import { checkBothClasses, DataReason, dataError, type Dataset } from "./dataset.ts";
import { decodeText } from "./decode.ts";
import { LABEL_SPELLINGS, parseLabel } from "./labels.ts";

async function readTextFile(path: string): Promise<{ text: string; sha256: string }> {
  const info = await stat(path);
  if (info.size === 0)
    throw dataError(DataReason.Empty, `${path} is empty: pass a file with a header and labelled reviews.`);
  const bytes = await readFile(path);
  return { text: decodeText(bytes, path), sha256: createHash("sha256").update(bytes).digest("hex") };
}

const missingColumn = (
  path: string,
  which: "text" | "label",
  configured: string | undefined,
  available: readonly string[],
  flag: string,
  defaults: readonly string[],
): Error =>
  dataError(
    DataReason.MissingColumn,
    `${path} has no ${which} column ${configured !== undefined ? `"${configured}"` : `(looked for ${defaults.map((d) => `"${d}"`).join(" or ")})`}; its columns are ${available.map((a) => `"${a}"`).join(", ") || "(none)"}: pass ${flag}.`,
  );

function label(path: string, line: number, raw: unknown): 0 | 1 {
  const l = parseLabel(raw);
  if (l === undefined) {
    throw dataError(
      DataReason.UnknownLabel,
      `${path} line ${line}: unknown label ${JSON.stringify(raw)}; use ${LABEL_SPELLINGS}, or pass --label-column.`,
    );
  }
  return l;
}

/** A CSV file with a header row; Kaggle's `review,sentiment` works as is. */
export async function readCsvDataset(
  path: string,
  source: string,
  columns: ColumnOptions = {},
): Promise<Dataset> {
  const { text, sha256 } = await readTextFile(path);
  const examples: LabeledText[] = [];
  try {
    const records = parseCsv(text);
    const header = records.next();
    if (header.done)
      throw dataError(
        DataReason.Empty,
        `${path} has no header row: pass a CSV with a header and labelled reviews.`,
      );
    const names = header.value.fields.map((f) => f.trim());
    const textName = pickColumn(names, columns.textColumn, TEXT_COLUMNS);
    if (textName === undefined)
      throw missingColumn(path, "text", columns.textColumn, names, "--text-column", TEXT_COLUMNS);
    const labelName = pickColumn(names, columns.labelColumn, LABEL_COLUMNS);
    if (labelName === undefined)
      throw missingColumn(path, "label", columns.labelColumn, names, "--label-column", LABEL_COLUMNS);
    const ti = names.indexOf(textName);
    const li = names.indexOf(labelName);
    for (const { fields, line } of records) {
      if (fields.length !== names.length) {
        throw dataError(
          DataReason.Invalid,
          `${path} line ${line}: ${fields.length} fields where the header has ${names.length}; quote fields that contain commas or newlines.`,
        );
      }
      examples.push({ text: fields[ti]!, label: label(path, line, fields[li]!) });
    }
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      throw dataError(
        DataReason.Truncated,
        `${path} line ${e.line}: ${e.message} (the file may be truncated): check the file's quoting or download it again.`,
      );
    }
    throw e;
  }
  checkBothClasses(path, examples, "labelled");
  return { source, sha256, train: examples, test: undefined };
}

/** JSON Lines: one `{"text": ..., "label": ...}` object per line (field names configurable). */
export async function readJsonlDataset(
  path: string,
  source: string,
  columns: ColumnOptions = {},
): Promise<Dataset> {
  const { text, sha256 } = await readTextFile(path);
  const examples: LabeledText[] = [];
  const lines = text.split("\n");
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k]!.trim();
    if (raw === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch {
      const last = lines.slice(k + 1).every((l) => l.trim() === "");
      throw dataError(
        last ? DataReason.Truncated : DataReason.Invalid,
        `${path} line ${k + 1} is not JSON${last ? " (the file may be truncated)" : ""}: each line must be an object like {"text": "...", "label": "pos"}.`,
      );
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw dataError(
        DataReason.Invalid,
        `${path} line ${k + 1} is not a JSON object: each line must be like {"text": "...", "label": "pos"}.`,
      );
    }
    const obj = row as Record<string, unknown>;
    const keys = Object.keys(obj);
    const textName = pickColumn(keys, columns.textColumn, TEXT_COLUMNS);
    if (textName === undefined || typeof obj[textName] !== "string") {
      throw missingColumn(
        `${path} line ${k + 1}`,
        "text",
        columns.textColumn,
        keys,
        "--text-column",
        TEXT_COLUMNS,
      );
    }
    const labelName = pickColumn(keys, columns.labelColumn, LABEL_COLUMNS);
    if (labelName === undefined)
      throw missingColumn(
        `${path} line ${k + 1}`,
        "label",
        columns.labelColumn,
        keys,
        "--label-column",
        LABEL_COLUMNS,
      );
    examples.push({ text: obj[textName], label: label(path, k + 1, obj[labelName]) });
  }
  checkBothClasses(path, examples, "labelled");
  return { source, sha256, train: examples, test: undefined };
}
