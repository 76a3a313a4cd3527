/**
 * Kubeconfig files for the test cluster: pure rendering plus one writer (mode 0600: they hold
 * credentials). Certificates are embedded so the file works from any directory.
 */
import { readFile, writeFile } from "node:fs/promises";
import { stringify } from "yaml";

export type KubeconfigUser =
  | { readonly kind: "cert"; readonly certPem: string; readonly keyPem: string }
  | { readonly kind: "token"; readonly token: string };

export interface KubeconfigInput {
  readonly server: string;
  readonly caPem: string;
  readonly userName: string;
  readonly user: KubeconfigUser;
  /** @default "sentiment-test" */
  readonly contextName?: string;
  readonly namespace?: string;
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.contextName ?? "sentiment-test";
  const user =
    input.user.kind === "cert"
      ? { "client-certificate-data": b64(input.user.certPem), "client-key-data": b64(input.user.keyPem) }
      : { token: input.user.token };
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: input.server, "certificate-authority-data": b64(input.caPem) } }],
    users: [{ name: input.userName, user }],
    contexts: [
      {
        name,
        context: {
          cluster: name,
          user: input.userName,
          ...(input.namespace ? { namespace: input.namespace } : {}),
        },
      },
    ],
    "current-context": name,
  });
}

/** Writes the admin (client-certificate) kubeconfig for a PKI. */
export async function writeAdminKubeconfig(
  path: string,
  server: string,
  pki: { readonly caCert: string; readonly adminCert: string; readonly adminKey: string },
  userName: string,
): Promise<void> {
  const [caPem, certPem, keyPem] = await Promise.all(
    [pki.caCert, pki.adminCert, pki.adminKey].map((p) => readFile(p, "utf8")),
  );
  await writeFile(
    path,
    renderKubeconfig({
      server,
      caPem: caPem!,
      userName,
      user: { kind: "cert", certPem: certPem!, keyPem: keyPem! },
    }),
    { mode: 0o600 },
  );
}
