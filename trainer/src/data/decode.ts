import { DataReason, dataError } from "./dataset.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * UTF-8 text of `bytes`, refusing binary data (a NUL byte or invalid UTF-8) with a message that
 * names `where` (a file, or a file and an entry).
 */
export function decodeText(bytes: Uint8Array, where: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw dataError(
      DataReason.NotText,
      `${where} is not text (a NUL byte at offset ${nul}): pass UTF-8 text data (CSV, JSONL, an aclImdb directory or .tar.gz).`,
    );
  }
  try {
    return utf8.decode(bytes);
  } catch {
    throw dataError(
      DataReason.NotText,
      `${where} is not valid UTF-8 text: convert it to UTF-8, or pass another --data.`,
    );
  }
}
