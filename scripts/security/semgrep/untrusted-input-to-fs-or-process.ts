import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";

declare const ctx: { request: { body: { model: string } }; params: { name: string }; get(h: string): string };
const Name = z.string().regex(/^[a-z0-9-]+$/);

async function handlers() {
  // ruleid: untrusted-input-to-fs-or-process
  await readFile(join("/models", ctx.request.body.model));
  // ruleid: untrusted-input-to-fs-or-process
  execFile("tar", ["xf", ctx.params.name]);

  // ok: untrusted-input-to-fs-or-process
  await readFile(join("/models", Name.parse(ctx.request.body.model)));
  // ok: untrusted-input-to-fs-or-process
  await readFile(join("/models", basename(ctx.params.name)));
  // ok: untrusted-input-to-fs-or-process
  execFile("tar", ["xf", "/models/model.tar"]);
  // ok: untrusted-input-to-fs-or-process
  const bearer = /^Bearer (\S+)$/.exec(ctx.get("authorization"));
}
void handlers;

