import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { FailureError } from "../../../common/result.ts";
import { aclImdbArchive, withTempDir } from "../testing/fixtures.ts";
import { DataReason } from "./dataset.ts";
import { cacheDirectory } from "./download.ts";
import { IMDB_PATH_ENV, resolveImdb } from "./imdb.ts";
import { loadDataset } from "./load.ts";

/** A real HTTP server on a free port serving `body`; counts requests. */
async function serve(
  body: Buffer,
  fn: (url: string, requests: () => number) => Promise<void>,
): Promise<void> {
  let count = 0;
  const server: Server = createServer((_req, res) => {
    count++;
    res.writeHead(200, { "content-length": body.length, "content-type": "application/gzip" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/aclImdb_v1.tar.gz`, () => count);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

/** A port nothing listens on: connecting fails like an offline machine. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}/aclImdb_v1.tar.gz`;
}

async function failureOf(p: Promise<unknown>): Promise<FailureError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FailureError, String(e));
    return e;
  }
  assert.fail("expected a refusal");
}

describe("http(s) data", () => {
  test("downloads a URL into the cache, verifies --sha256 and reads it by its name", () =>
    withTempDir(async (dir) => {
      const body = await aclImdbArchive();
      const sha256 = createHash("sha256").update(body).digest("hex");
      await serve(body, async (url, requests) => {
        const env = { XDG_CACHE_HOME: dir };
        const first = await loadDataset(url, { env, sha256 });
        assert.ok(first.ok, first.ok ? "" : first.error.message);
        assert.equal(first.value.source, url);
        assert.equal(first.value.train.length, 12);
        const again = await loadDataset(url, { env, sha256 });
        assert.ok(again.ok);
        assert.equal(requests(), 1, "the cached, verified file is reused");
        const wrong = await loadDataset(url, {
          env: { XDG_CACHE_HOME: join(dir, "other") },
          sha256: "b".repeat(64),
        });
        assert.ok(!wrong.ok);
        assert.equal(wrong.error.reason, DataReason.DownloadFailed);
      });
    }));
});

describe("the imdb source", () => {
  test("uses SENTIMENT_IMDB_PATH when set, without the network", () =>
    withTempDir(async (dir) => {
      const local = join(dir, "copy.tar.gz");
      await writeFile(local, await aclImdbArchive());
      const path = await resolveImdb({ env: { [IMDB_PATH_ENV]: local }, url: await deadUrl() });
      assert.equal(path, local);
      const ds = await loadDataset("imdb", { env: { [IMDB_PATH_ENV]: local } });
      assert.ok(ds.ok && ds.value.source === "imdb" && ds.value.train.length === 12);
    }));

  test("refuses a SENTIMENT_IMDB_PATH that does not exist, naming the variable", async () => {
    const e = await failureOf(resolveImdb({ env: { [IMDB_PATH_ENV]: "/nowhere/aclImdb_v1.tar.gz" } }));
    assert.equal(e.reason, DataReason.NotFound);
    assert.match(e.message, /SENTIMENT_IMDB_PATH=\/nowhere\/aclImdb_v1\.tar\.gz does not exist/);
  });

  test("downloads into the XDG cache, verifies the sha256 and reuses the cached copy", () =>
    withTempDir(async (dir) => {
      const body = await aclImdbArchive();
      const sha256 = createHash("sha256").update(body).digest("hex");
      const env = { XDG_CACHE_HOME: dir };
      await serve(body, async (url, requests) => {
        const seen: number[] = [];
        const path = await resolveImdb({ env, url, sha256, progress: (f) => seen.push(f) });
        assert.equal(path, join(dir, "sentiment-operator", "aclImdb_v1.tar.gz"));
        assert.equal(cacheDirectory(env), join(dir, "sentiment-operator"));
        assert.deepEqual(await readFile(path), body);
        assert.equal(seen.at(-1), 1, "progress reaches 100 %");
        await resolveImdb({ env, url, sha256 });
        assert.equal(requests(), 1, "the verified cached copy is reused");
        assert.deepEqual(
          await readdir(join(dir, "sentiment-operator")),
          ["aclImdb_v1.tar.gz"],
          "no partial files are left",
        );
      });
    }));

  test("refuses a download whose sha256 differs and keeps nothing", () =>
    withTempDir(async (dir) => {
      await serve(Buffer.from("not the archive"), async (url) => {
        const e = await failureOf(resolveImdb({ env: { XDG_CACHE_HOME: dir }, url, sha256: "a".repeat(64) }));
        assert.equal(e.reason, DataReason.DownloadFailed);
        assert.match(e.message, /has sha256 [0-9a-f]{64}, expected a{64}/);
        assert.deepEqual(await readdir(join(dir, "sentiment-operator")), []);
      });
    }));

  test("offline, fails with a message naming SENTIMENT_IMDB_PATH and --data", () =>
    withTempDir(async (dir) => {
      const e = await failureOf(resolveImdb({ env: { XDG_CACHE_HOME: dir }, url: await deadUrl() }));
      assert.equal(e.reason, DataReason.DownloadFailed);
      assert.match(
        e.message,
        /Could not download http:\/\/127\.0\.0\.1:\d+\/aclImdb_v1\.tar\.gz \(ECONNREFUSED\)/,
      );
      assert.match(e.message, /set SENTIMENT_IMDB_PATH \(or pass --data\) to a local copy/);
    }));
});
