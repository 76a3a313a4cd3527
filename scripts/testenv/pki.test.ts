import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ADMIN_USER, generatePki } from "./pki.ts";

const root = mkdtempSync(join(tmpdir(), "testenv-pki-"));
after(() => rmSync(root, { recursive: true, force: true }));
const pki = await generatePki(join(root, "pki"));
const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8" });

test("the serving and admin certificates chain to the CA", () => {
  assert.match(
    openssl("verify", "-CAfile", pki.caCert, pki.serverCert, pki.adminCert),
    /apiserver.crt: OK\n.*admin.crt: OK/s,
  );
});

test("the serving certificate names loopback and the in-cluster service, for server auth only", () => {
  const text = openssl("x509", "-in", pki.serverCert, "-noout", "-text");
  assert.match(text, /IP Address:127\.0\.0\.1/);
  assert.match(text, /DNS:kubernetes\.default\.svc/);
  assert.match(text, /TLS Web Server Authentication/);
  assert.doesNotMatch(text, /TLS Web Client Authentication/);
});

test("the admin certificate is a client certificate in system:masters", () => {
  const subject = openssl("x509", "-in", pki.adminCert, "-noout", "-subject");
  assert.match(subject, new RegExp(`O ?= ?system:masters, CN ?= ?${ADMIN_USER}`));
});

test("private keys are readable by the owner only", () => {
  for (const key of [pki.caKey, pki.serverKey, pki.adminKey, pki.serviceAccountKey]) {
    assert.equal(statSync(key).mode & 0o777, 0o600, key);
  }
});
