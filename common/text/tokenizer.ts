/**
 * torchtext's `basic_english` tokenizer (`torchtext.data.utils._basic_english_normalize`), ported
 * exactly. torchtext lowercases the line, then applies these regex substitutions in order and
 * splits on whitespace:
 *
 * | pattern    | replacement | effect                        |
 * |------------|-------------|-------------------------------|
 * | `'`        | `" '  "`    | apostrophe becomes a token    |
 * | `"`        | `""`        | double quote removed          |
 * | `.`        | `" . "`     | full stop becomes a token     |
 * | `<br \/>`  | `" "`       | HTML line break removed       |
 * | `,`        | `" , "`     | comma becomes a token         |
 * | `(` `)`    | `" ( "` ... | parentheses become tokens     |
 * | `!` `?`    | `" ! "` ... | marks become tokens           |
 * | `;` `:`    | `" "`       | separators, dropped           |
 * | `\s+`      | `" "`       | whitespace collapsed          |
 *
 * Only the `"` removal can change what follows (it can join text, and `<b"r />` becomes a line
 * break), so removing `"` first, then `<br />`, then splitting in ONE pass around the token
 * characters `'.,()!?` and the separators `;:` and whitespace gives the same tokens, much faster.
 * Whitespace is Python's `str.isspace` set (what `re`'s `\s` and `str.split()` use), which is not
 * JavaScript's `\s` (Python adds U+001C–U+001F and U+0085, JavaScript adds U+FEFF).
 */
export const BASIC_ENGLISH = "basic_english";

const PY_WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const TOKEN = new RegExp(`[^${PY_WHITESPACE};:'.,()!?]+|['.,()!?]`, "g");

/** Tokens of `text` exactly as torchtext's `get_tokenizer("basic_english")` returns them. */
export function basicEnglish(text: string): string[] {
  let line = text.toLowerCase();
  if (line.includes('"')) line = line.replaceAll('"', "");
  if (line.includes("<br />")) line = line.replaceAll("<br />", " ");
  return line.match(TOKEN) ?? [];
}
