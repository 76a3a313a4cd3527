import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCsv } from "./csv.ts";

const records = (text: string): [number, ...string[]][] =>
  [...parseCsv(text)].map((r) => [r.line, ...r.fields]);

describe("parseCsv", () => {
  const cases: [string, string, [number, ...string[]][]][] = [
    [
      "a BOM and CRLF",
      "\ufeffa,b\r\n1,2\r\n",
      [
        [1, "a", "b"],
        [2, "1", "2"],
      ],
    ],
    [
      "CRLF and LF mixed",
      "a,b\r\n1,2\n3,4\r\n",
      [
        [1, "a", "b"],
        [2, "1", "2"],
        [3, "3", "4"],
      ],
    ],
    [
      "no newline at the end",
      "a,b\n1,2",
      [
        [1, "a", "b"],
        [2, "1", "2"],
      ],
    ],
    [
      "LF inside quotes: later lines still counted",
      'a,b\n"x\ny\nz",1\n2,3\n',
      [
        [1, "a", "b"],
        [2, "x\ny\nz", "1"],
        [5, "2", "3"],
      ],
    ],
    [
      "CRLF inside quotes is one line",
      'a,b\r\n"x\r\ny",1\r\n2,3\r\n',
      [
        [1, "a", "b"],
        [2, "x\r\ny", "1"],
        [4, "2", "3"],
      ],
    ],
    [
      "a lone CR inside quotes is no line",
      'a,b\n"x\ry",1\n2,3\n',
      [
        [1, "a", "b"],
        [2, "x\ry", "1"],
        [3, "2", "3"],
      ],
    ],
    [
      "doubled quotes",
      'a,b\n"say ""hi""",1\n',
      [
        [1, "a", "b"],
        [2, 'say "hi"', "1"],
      ],
    ],
    [
      "blank lines skipped, still counted",
      "a,b\n\n1,2\r\n\r\n\n3,4\n\n",
      [
        [1, "a", "b"],
        [3, "1", "2"],
        [6, "3", "4"],
      ],
    ],
    [
      "empty fields",
      "a,b,c\n,,\n",
      [
        [1, "a", "b", "c"],
        [2, "", "", ""],
      ],
    ],
    [
      "a whitespace line is a record",
      "a,b\n  \n1,2\n",
      [
        [1, "a", "b"],
        [2, "  "],
        [3, "1", "2"],
      ],
    ],
    [
      "quotes inside an unquoted field kept",
      'a,b\nhe said "hi",1\n',
      [
        [1, "a", "b"],
        [2, 'he said "hi"', "1"],
      ],
    ],
    [
      "text after a closing quote kept",
      'a,b\n"x"y,1\n',
      [
        [1, "a", "b"],
        [2, "xy", "1"],
      ],
    ],
    [
      "non-ASCII",
      'a,b\n"é😀\nü",1\n2,3\n',
      [
        [1, "a", "b"],
        [2, "é😀\nü", "1"],
        [4, "2", "3"],
      ],
    ],
  ];
  for (const [name, text, want] of cases) test(name, () => assert.deepEqual(records(text), want));

  const unclosed: [string, string, number][] = [
    ["at the end", 'a,b\n1,2\n"x,1', 3],
    ["with lines after it: the line where the quote opened", 'a,b\n1,2\n"x,1\n3,4\n5,6\n', 3],
  ];
  for (const [name, text, line] of unclosed) {
    test(`a quote left open ${name}`, () =>
      assert.throws(() => records(text), { message: "a quoted field is never closed", line }));
  }
});
