import assert from "node:assert/strict";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { renderKubeconfig } from "./kubeconfig.ts";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

test("a token kubeconfig loads in client-node with server, CA, user and namespace", () => {
  const kc = new KubeConfig();
  kc.loadFromString(
    renderKubeconfig({
      server: "https://127.0.0.1:6443",
      caPem: CA,
      userName: "sa",
      user: { kind: "token", token: "t0k" },
      namespace: "ns1",
    }),
  );
  assert.equal(kc.getCurrentCluster()?.server, "https://127.0.0.1:6443");
  assert.equal(Buffer.from(kc.getCurrentCluster()!.caData!, "base64").toString(), CA);
  assert.equal(kc.getCurrentUser()?.token, "t0k");
  assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, "ns1");
});

test("a certificate kubeconfig embeds the client certificate and key", () => {
  const kc = new KubeConfig();
  kc.loadFromString(
    renderKubeconfig({
      server: "https://127.0.0.1:1",
      caPem: CA,
      userName: "admin",
      user: { kind: "cert", certPem: "CERT", keyPem: "KEY" },
    }),
  );
  const user = kc.getCurrentUser();
  assert.equal(user?.name, "admin");
  assert.equal(Buffer.from(user?.certData ?? "", "base64").toString(), "CERT");
  assert.equal(Buffer.from(user?.keyData ?? "", "base64").toString(), "KEY");
});
