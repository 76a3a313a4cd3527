/**
 * Seeded random strings over the characters that exercise basic_english's rules (punctuation,
 * `<br />` fragments, Python-only whitespace, astral and lone surrogates). For the tokenizer's
 * property tests; deterministic, so a failure names a reproducible input.
 */
export const TOKENIZER_ALPHABET: readonly string[] = [
  "a",
  "B",
  "b",
  "'",
  '"',
  ".",
  ",",
  "(",
  ")",
  "!",
  "?",
  ";",
  ":",
  " ",
  "\t",
  "\n",
  "<br />",
  "<br",
  " />",
  "<b",
  "r />",
  "é",
  "\u0085",
  "\ufeff",
  "\u2003",
  "\ud83d\ude00",
  "\udc00",
  "\ud83d",
  "x",
  "<unk>",
];

/** A linear congruential generator: returns the next unsigned 32-bit value on each call. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
}

/** A string of up to `maxParts - 1` pieces of the alphabet, drawn from `next`. */
export function randomText(next: () => number, maxParts: number, alphabet = TOKENIZER_ALPHABET): string {
  let s = "";
  const len = next() % maxParts;
  for (let j = 0; j < len; j++) s += alphabet[next() % alphabet.length];
  return s;
}
