import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiserverArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  schedulerArgs,
  type Layout,
  type Ports,
} from "./components.ts";
import type { Pki } from "./pki.ts";

const ports: Ports = {
  etcdClient: 1001,
  etcdPeer: 1002,
  apiserver: 1003,
  controllerManager: 1004,
  scheduler: 1005,
  kwok: 1006,
};
const pki = new Proxy({}, { get: (_t, key) => `/pki/${String(key)}` }) as Pki;
const layout: Layout = {
  pki,
  etcdData: "/d/etcd",
  apiserverCertDir: "/d/a",
  controllerManagerCertDir: "/d/c",
  schedulerCertDir: "/d/s",
  kubeconfig: "/d/kubeconfig",
  kwokConfig: "/d/kwok.yaml",
};
const all = {
  etcd: etcdArgs(ports, layout),
  apiserver: apiserverArgs(ports, layout),
  controllerManager: controllerManagerArgs(ports, layout),
  scheduler: schedulerArgs(ports, layout),
  kwok: kwokArgs(ports, layout),
};

test("every component listens on loopback only", () => {
  const listenFlags =
    /^--(listen-[a-z-]+-urls|bind-address|server-address|advertise-client-urls|initial-advertise-peer-urls)=/;
  for (const [name, args] of Object.entries(all)) {
    const listening = args.filter((a) => listenFlags.test(a));
    assert.ok(listening.length > 0, `${name} has no listen flag`);
    for (const flag of listening) assert.match(flag, /=(http:\/\/)?127\.0\.0\.1(:\d+)?$/, `${name}: ${flag}`);
  }
});

test("every component gets its own port", () => {
  const used = Object.values(all)
    .flat()
    .flatMap((a) => [...a.matchAll(/(?:port=|127\.0\.0\.1:)(\d+)/g)].map((m) => m[1]));
  assert.deepEqual([...new Set(used)].sort(), ["1001", "1002", "1003", "1004", "1005", "1006"]);
});

test("the apiserver requires client certificates or tokens and authorizes with RBAC", () => {
  assert.ok(all.apiserver.includes("--authorization-mode=RBAC"));
  assert.ok(all.apiserver.includes("--anonymous-auth=false"));
  assert.ok(all.apiserver.includes(`--client-ca-file=${pki.caCert}`));
});
