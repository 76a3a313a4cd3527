import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { basicEnglish } from "./tokenizer.ts";
import { lcg, randomText } from "../testing/random-text.ts";

/**
 * torchtext's rules applied literally, one regex substitution after another, then Python's
 * `str.split()`. The fast tokenizer must agree with it on every input.
 */
const PY_WS =
  "[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const RULES: readonly [RegExp, string][] = [
  [/'/g, " '  "],
  [/"/g, ""],
  [/\./g, " . "],
  [/<br \/>/g, " "],
  [/,/g, " , "],
  [/\(/g, " ( "],
  [/\)/g, " ) "],
  [/!/g, " ! "],
  [/\?/g, " ? "],
  [/;/g, " "],
  [/:/g, " "],
  [new RegExp(`${PY_WS}+`, "g"), " "],
];
function reference(text: string): string[] {
  let line = text.toLowerCase();
  for (const [pattern, replacement] of RULES) line = line.replace(pattern, replacement);
  return line.split(new RegExp(`${PY_WS}+`)).filter((t) => t.length > 0);
}

describe("basicEnglish", () => {
  const cases: readonly [string, string, readonly string[]][] = [
    [
      "torchtext's docstring example",
      "You can now install TorchText using pip!",
      ["you", "can", "now", "install", "torchtext", "using", "pip", "!"],
    ],
    ["lowercases", "GREAT Movie", ["great", "movie"]],
    ["splits the apostrophe off as its own token", "didn't", ["didn", "'", "t"]],
    ["removes double quotes and joins around them", 'a "b" c"d', ["a", "b", "cd"]],
    ["splits full stops", "end.Start", ["end", ".", "start"]],
    ["splits an ellipsis into dots", "wait...", ["wait", ".", ".", "."]],
    ["drops <br /> line breaks", "one<br /><br />two", ["one", "two"]],
    ["drops upper-case <BR /> after lowercasing", "one<BR />two", ["one", "two"]],
    ["keeps <br> without the slash as text", "a<br>b", ["a<br>b"]],
    ['turns <b"r /> into a break once the quote is gone', 'x<b"r />y', ["x", "y"]],
    ["splits commas", "a,b", ["a", ",", "b"]],
    ["splits parentheses", "(a)", ["(", "a", ")"]],
    ["splits ! and ?", "what?!", ["what", "?", "!"]],
    ["drops semicolons and colons", "a;b:c", ["a", "b", "c"]],
    [
      "keeps other punctuation inside tokens",
      "10/10 - e-mail #1 $5 * & [x]",
      ["10/10", "-", "e-mail", "#1", "$5", "*", "&", "[x]"],
    ],
    ["collapses tabs and newlines", "a\t\n  b", ["a", "b"]],
    ["treats U+0085 and U+001F as whitespace (Python)", "a\u0085b\u001fc", ["a", "b", "c"]],
    ["keeps U+FEFF inside a token (not Python whitespace)", "a\ufeffb", ["a\ufeffb"]],
    ["splits on a no-break space", "a\u00a0b", ["a", "b"]],
    ["keeps non-ASCII letters", "Café NAÏVE", ["café", "naïve"]],
    ["returns nothing for an empty string", "", []],
    ["returns nothing for punctuation that is dropped", ' "";: ', []],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.deepEqual(basicEnglish(input), expected);
      assert.deepEqual(reference(input), expected, "the literal rule chain agrees with the table");
    });
  }

  test("agrees with the literal rule chain on random strings over the interesting alphabet", () => {
    const next = lcg(12345);
    for (let i = 0; i < 2000; i++) {
      const s = randomText(next, 20);
      assert.deepEqual(basicEnglish(s), reference(s), JSON.stringify(s));
    }
  });
});
