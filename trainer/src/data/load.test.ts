import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { aclImdbArchive, reviews, withTempDir, writeAclImdbTree } from "../testing/fixtures.ts";
import { DataReason } from "./dataset.ts";
import { parseLabel } from "./labels.ts";
import { loadDataset, type DataOptions } from "./load.ts";

async function loaded(path: string, options: DataOptions = {}) {
  const r = await loadDataset(path, options);
  assert.ok(r.ok, r.ok ? "" : r.error.message);
  return r.value;
}

async function refused(path: string, options: DataOptions = {}) {
  const r = await loadDataset(path, options);
  assert.ok(!r.ok, "the data should have been refused");
  assert.ok(!r.error.message.includes("\n"), "the message is one line");
  return r.error;
}

describe("labels", () => {
  test("accepts pos/neg, positive/negative and 1/0 in any case", () => {
    const table: [unknown, 0 | 1 | undefined][] = [
      ["pos", 1],
      ["neg", 0],
      ["Positive", 1],
      [" NEGATIVE ", 0],
      ["1", 1],
      ["0", 0],
      [1, 1],
      [0, 0],
      ["maybe", undefined],
      ["2", undefined],
      [2, undefined],
      [true, undefined],
      [null, undefined],
      ["", undefined],
    ];
    for (const [raw, expected] of table) assert.equal(parseLabel(raw), expected, JSON.stringify(raw));
  });
});

describe("aclImdb layout", () => {
  test("reads a directory, sorted, skipping unsup/ and other files", () =>
    withTempDir(async (dir) => {
      const root = await writeAclImdbTree(dir);
      const ds = await loaded(root);
      assert.equal(ds.train.length, 12);
      assert.equal(ds.test?.length, 12);
      assert.deepEqual(
        ds.train.map((e) => e.label),
        [...Array(6).fill(0), ...Array(6).fill(1)],
        "neg/ sorts before pos/",
      );
      assert.ok(ds.train.every((e) => e.text.includes("(train ")));
      assert.match(ds.sha256, /^[0-9a-f]{64}$/);
      const parent = await loaded(dir);
      assert.equal(parent.sha256, ds.sha256, "the parent of aclImdb/ works too and reads the same reviews");
    }));

  test("streams a .tar.gz archive to the same reviews as the directory", () =>
    withTempDir(async (dir) => {
      const archive = join(dir, "aclImdb_v1.tar.gz");
      await writeFile(archive, await aclImdbArchive());
      const fromArchive = await loaded(archive);
      const fromDir = await loaded(await writeAclImdbTree(join(dir, "tree")));
      assert.deepEqual(fromArchive.train, fromDir.train);
      assert.deepEqual(fromArchive.test, fromDir.test);
      assert.equal((await loaded(archive)).sha256, fromArchive.sha256, "the file digest is stable");
    }));

  test("refuses a truncated archive", () =>
    withTempDir(async (dir) => {
      const bytes = await aclImdbArchive(reviews(40));
      const path = join(dir, "cut.tar.gz");
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const e = await refused(path);
      assert.equal(e.reason, DataReason.Truncated);
      assert.match(e.message, /cut\.tar\.gz is truncated.*download the archive again/);
    }));

  test("refuses binary garbage named .tar.gz", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "garbage.tar.gz");
      await writeFile(path, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
      const e = await refused(path);
      assert.equal(e.reason, DataReason.NotText);
      assert.match(e.message, /garbage\.tar\.gz is not a gzip-compressed tar archive/);
    }));

  test("refuses an archive with one class only", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "pos.tar.gz");
      await writeFile(path, await aclImdbArchive(reviews().filter((r) => r.label === "pos")));
      const e = await refused(path);
      assert.equal(e.reason, DataReason.OneClass);
      assert.match(e.message, /pos\.tar\.gz has only positive training reviews/);
    }));

  test("refuses a directory without the layout", () =>
    withTempDir(async (dir) => {
      const e = await refused(dir);
      assert.equal(e.reason, DataReason.Invalid);
      assert.match(e.message, /holds no aclImdb\/train/);
    }));
});

describe("CSV", () => {
  test("reads Kaggle's review,sentiment layout with quoted commas, newlines and quotes", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "IMDB Dataset.csv");
      await writeFile(
        path,
        '\ufeffreview,sentiment\r\n"Great, really ""great"" film.\nLoved it.",positive\r\nBoring film.,negative\r\n\r\n"Fine, fine",positive\n',
      );
      const ds = await loaded(path);
      assert.deepEqual(ds.train, [
        { text: 'Great, really "great" film.\nLoved it.', label: 1 },
        { text: "Boring film.", label: 0 },
        { text: "Fine, fine", label: 1 },
      ]);
      assert.equal(ds.test, undefined, "single files have no test split of their own");
    }));

  test("uses configured column names", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "d.csv");
      await writeFile(path, "id,body,stars\n1,good,1\n2,bad,0\n");
      const ds = await loaded(path, { textColumn: "body", labelColumn: "stars" });
      assert.deepEqual(
        ds.train.map((e) => [e.text, e.label]),
        [
          ["good", 1],
          ["bad", 0],
        ],
      );
    }));

  const bad: [string, string, string, DataOptions, string, RegExp][] = [
    [
      "a missing text column",
      "d.csv",
      "id,sentiment\n1,pos\n",
      {},
      DataReason.MissingColumn,
      /d\.csv has no text column \(looked for "text" or "review"\); its columns are "id", "sentiment": pass --text-column/,
    ],
    [
      "a missing configured label column",
      "d.csv",
      "text,label\nok,pos\n",
      { labelColumn: "stars" },
      DataReason.MissingColumn,
      /no label column "stars".*--label-column/,
    ],
    [
      "an unknown label",
      "d.csv",
      "text,label\ngood,pos\nmeh,maybe\n",
      {},
      DataReason.UnknownLabel,
      /d\.csv line 3: unknown label "maybe"; use pos\/neg, positive\/negative or 1\/0/,
    ],
    [
      "one class only",
      "d.csv",
      "text,label\na,pos\nb,1\n",
      {},
      DataReason.OneClass,
      /only positive labelled reviews \(2\)/,
    ],
    ["a header and no rows", "d.csv", "text,label\n", {}, DataReason.Empty, /holds no labelled reviews/],
    ["an empty file", "d.csv", "", {}, DataReason.Empty, /d\.csv is empty/],
    [
      "a quote left open (truncated)",
      "d.csv",
      'text,label\ngood,pos\n"bad film,ne',
      {},
      DataReason.Truncated,
      /line 3: a quoted field is never closed/,
    ],
    [
      "a row with too many fields",
      "d.csv",
      "text,label\ngood,pos,extra\n",
      {},
      DataReason.Invalid,
      /line 2: 3 fields where the header has 2/,
    ],
    [
      "binary garbage",
      "d.csv",
      "text,label\n\u0000\u0001\u0002",
      {},
      DataReason.NotText,
      /d\.csv is not text/,
    ],
  ];
  for (const [name, file, content, options, reason, message] of bad) {
    test(`refuses ${name}`, () =>
      withTempDir(async (dir) => {
        const path = join(dir, file);
        await writeFile(path, content);
        const e = await refused(path, options);
        assert.equal(e.reason, reason);
        assert.match(e.message, message);
      }));
  }

  test("refuses invalid UTF-8", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "latin1.csv");
      await writeFile(path, Buffer.from([0x74, 0x65, 0x78, 0x74, 0x0a, 0xff, 0xfe, 0x41]));
      const e = await refused(path);
      assert.equal(e.reason, DataReason.NotText);
      assert.match(e.message, /not valid UTF-8/);
    }));
});

describe("JSONL", () => {
  test("reads text/label objects with string or numeric labels", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "d.jsonl");
      await writeFile(
        path,
        '{"text":"good","label":"pos"}\n\n{"text":"bad","label":0}\n{"review":"ok","sentiment":"positive"}\n',
      );
      const ds = await loaded(path);
      assert.deepEqual(
        ds.train.map((e) => [e.text, e.label]),
        [
          ["good", 1],
          ["bad", 0],
          ["ok", 1],
        ],
      );
    }));

  const bad: [string, string, string, RegExp][] = [
    [
      "a line that is not JSON",
      '{"text":"a","label":1}\nnope\n{"text":"b","label":0}\n',
      DataReason.Invalid,
      /d\.jsonl line 2 is not JSON/,
    ],
    [
      "a cut-off last line",
      '{"text":"a","label":1}\n{"text":"b","lab',
      DataReason.Truncated,
      /line 2 is not JSON \(the file may be truncated\)/,
    ],
    [
      "a line without text",
      '{"text":"a","label":1}\n{"body":"b","label":0}\n',
      DataReason.MissingColumn,
      /line 2 has no text column/,
    ],
    [
      "a line without a label",
      '{"text":"a","label":1}\n{"text":"b"}\n',
      DataReason.MissingColumn,
      /line 2 has no label column/,
    ],
    [
      "an unknown label",
      '{"text":"a","label":1}\n{"text":"b","label":"meh"}\n',
      DataReason.UnknownLabel,
      /line 2: unknown label "meh"/,
    ],
    ["an array instead of an object", "[1,2]\n", DataReason.Invalid, /line 1 is not a JSON object/],
    [
      "one class only",
      '{"text":"a","label":0}\n{"text":"b","label":"neg"}\n',
      DataReason.OneClass,
      /only negative/,
    ],
  ];
  for (const [name, content, reason, message] of bad) {
    test(`refuses ${name}`, () =>
      withTempDir(async (dir) => {
        const path = join(dir, "d.jsonl");
        await writeFile(path, content);
        const e = await refused(path);
        assert.equal(e.reason, reason);
        assert.match(e.message, message);
      }));
  }
});

describe("paths and formats", () => {
  test("refuses a missing path, naming it", async () => {
    const e = await refused("/nonexistent/reviews.csv");
    assert.equal(e.reason, DataReason.NotFound);
    assert.match(e.message, /\/nonexistent\/reviews\.csv does not exist: pass --data imdb/);
  });

  test("refuses an empty --data", async () => {
    const e = await refused("  ");
    assert.equal(e.reason, DataReason.NotFound);
    assert.match(e.message, /--data is empty/);
  });

  test("detects JSONL and CSV from content when the name says nothing", () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, "a.txt"), '{"text":"good","label":1}\n{"text":"bad","label":0}\n');
      await writeFile(join(dir, "b.data"), "text,label\ngood,1\nbad,0\n");
      assert.equal((await loaded(join(dir, "a.txt"))).train.length, 2);
      assert.equal((await loaded(join(dir, "b.data"))).train.length, 2);
    }));

  test("refuses binary garbage of unknown type", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "blob.bin");
      await writeFile(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
      const e = await refused(path);
      assert.equal(e.reason, DataReason.NotText);
      assert.match(e.message, /blob\.bin is binary data/);
    }));

  test("refuses data whose sha256 differs from --sha256", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "d.csv");
      await writeFile(path, "text,label\ngood,1\nbad,0\n");
      const e = await refused(path, { sha256: "0".repeat(64) });
      assert.equal(e.reason, DataReason.Invalid);
      assert.match(e.message, /has sha256 [0-9a-f]{64}, expected 0{64}/);
    }));

  test("--format overrides the file name", () =>
    withTempDir(async (dir) => {
      const path = join(dir, "reviews.txt");
      await writeFile(path, "text,label\ngood,1\nbad,0\n");
      const e = await refused(path, { format: "jsonl" });
      assert.equal(e.reason, DataReason.Invalid);
      assert.equal((await loaded(path, { format: "csv" })).train.length, 2);
    }));
});
