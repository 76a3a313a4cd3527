/**
 * A throwaway PKI for one test control plane, made with openssl: a CA, the apiserver's serving
 * certificate (loopback names, the in-cluster Service names, the real node's host address), an admin client certificate in `system:masters`, and the
 * service-account token signing key pair. Keys are ECDSA P-256 (fast to generate) and mode 0600.
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NODE_NET } from "./node/configs.ts";
import { runCommand } from "./run-command.ts";

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  /** The apiserver's client identity towards aggregated APIs (metrics-server on a real node). */
  readonly frontProxyCert: string;
  readonly frontProxyKey: string;
}

export const FRONT_PROXY_CLIENT = "front-proxy-client";

/** The admin identity: RBAC lets `system:masters` do everything. */
export const ADMIN_USER = "sentiment-test-admin";

const OPENSSL_CNF = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
subjectKeyIdentifier = hash
[v3_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1,IP:${NODE_NET.hostIp}
[v3_client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
`;

export async function generatePki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => join(dir, name);
  const cnf = f("openssl.cnf");
  await writeFile(cnf, OPENSSL_CNF);
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

  await openssl(
    "req",
    "-x509",
    ...key,
    "-sha256",
    "-days",
    "30",
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-subj",
    "/CN=sentiment-test-ca",
    "-config",
    cnf,
    "-extensions",
    "v3_ca",
  );
  const issue = async (name: string, subject: string, extensions: string) => {
    await openssl(
      "req",
      "-new",
      ...key,
      "-keyout",
      f(`${name}.key`),
      "-out",
      f(`${name}.csr`),
      "-subj",
      subject,
      "-config",
      cnf,
    );
    await openssl(
      "x509",
      "-req",
      "-sha256",
      "-days",
      "30",
      "-in",
      f(`${name}.csr`),
      "-CA",
      f("ca.crt"),
      "-CAkey",
      f("ca.key"),
      "-CAcreateserial",
      "-out",
      f(`${name}.crt`),
      "-extfile",
      cnf,
      "-extensions",
      extensions,
    );
  };
  await issue("apiserver", "/CN=kube-apiserver", "v3_server");
  await issue("admin", `/O=system:masters/CN=${ADMIN_USER}`, "v3_client");
  await issue("front-proxy", `/CN=${FRONT_PROXY_CLIENT}`, "v3_client");
  await openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f("sa.key"));
  await openssl("ec", "-in", f("sa.key"), "-pubout", "-out", f("sa.pub"));
  for (const k of ["ca.key", "apiserver.key", "admin.key", "front-proxy.key", "sa.key"])
    await chmod(f(k), 0o600);

  return {
    dir,
    caCert: f("ca.crt"),
    caKey: f("ca.key"),
    serverCert: f("apiserver.crt"),
    serverKey: f("apiserver.key"),
    adminCert: f("admin.crt"),
    adminKey: f("admin.key"),
    serviceAccountKey: f("sa.key"),
    serviceAccountPub: f("sa.pub"),
    frontProxyCert: f("front-proxy.crt"),
    frontProxyKey: f("front-proxy.key"),
  };
}

async function openssl(...args: string[]): Promise<void> {
  let r;
  try {
    r = await runCommand("openssl", args);
  } catch {
    throw new Error(
      "openssl is not installed: install it (Debian: apt-get install openssl) to start the test cluster.",
    );
  }
  if (r.code !== 0) throw new Error(`openssl ${args[0] ?? ""} failed (exit ${r.code}): ${r.stderrTail}`);
}
