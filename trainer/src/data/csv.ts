// Hand-written, not csv-parse. Loading a 66 MB CSV of the 50,000 IMDB reviews (Kaggle's
// review,sentiment layout, written from aclImdb_v1) took 1.66 s CPU with csv-parse 7.0.3 (sync,
// records with their start line) against 0.55 s with this parser: 3.3x, about 1 s more on a 9 s
// training (wall 3.35 s vs 1.04 s; whole-process medians of 5 paired runs on a shared 2-core Xeon,
// 2026-12-06; in one process 1.6-1.7 s vs 0.11-0.33 s). csv-parse's own line count also takes a
// CRLF inside quotes for two lines. Each side timed with /usr/bin/time -v on
// node_modules/.bin/node -e 'import("./trainer/src/data/load.ts").then((m) => m.loadDataset("imdb.csv", { format: "csv" }))'
/**
 * RFC 4180 CSV: comma-separated fields, optional double quotes around a field, `""` for a quote
 * inside one, newlines allowed inside quotes, CRLF or LF line ends, a leading BOM ignored.
 * Yields each record with the line it starts on. Throws `CsvSyntaxError` on a quote left open.
 */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

export function* parseCsv(text: string): Generator<{ fields: string[]; line: number }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new CsvSyntaxError("a quoted field is never closed", start);
          const chunk = text.slice(i, q);
          for (let k = chunk.indexOf("\n"); k >= 0; k = chunk.indexOf("\n", k + 1)) line++;
          field += chunk;
          if (text[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // Anything between the closing quote and the separator is kept, as most readers do.
        while (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") field += text[i++];
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 10 || c === 13) break;
          j++;
        }
        field = text.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") {
        i++;
        line++;
      }
      break;
    }
    if (fields.length === 1 && fields[0] === "") continue; // blank line
    yield { fields, line: start };
  }
}
