import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { trivyScans } from "./trivy.ts";

/** A directory holding `files`; removed afterwards. */
async function withFiles(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "security-scan-"));
  try {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: { name: bad }
spec:
  hostPID: true
  containers:
    - name: c
      image: busybox:1.36
      securityContext: { privileged: true }
`;

describe("Trivy, offline", () => {
  test("a privileged pod and a committed key fail both scans", async () => {
    await withFiles(
      {
        "pod.yaml": PRIVILEGED_POD,
        // A private key, made now so that no key is ever committed (the repository's own scan
        // would flag it).
        id_rsa: generateKeyPairSync("rsa", { modulusLength: 2048 })
          .privateKey.export({ type: "pkcs1", format: "pem" })
          .toString(),
      },
      async (dir) => {
        const lines: string[] = [];
        const results = await trivyScans(dir, (l) => lines.push(l));
        assert.deepEqual(
          results.map((r) => r.outcome),
          ["found", "found"],
          lines.join("\n"),
        );
        assert.match(lines.join("\n"), /KSV-?0017/); // privileged container
      },
    );
  });

  test("the same pod, hardened, passes", async () => {
    const hardened = `apiVersion: v1
kind: Pod
metadata: { name: good }
spec:
  securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: RuntimeDefault } }
  containers:
    - name: c
      image: busybox:1.36
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
`;
    await withFiles({ "pod.yaml": hardened }, async (dir) => {
      const lines: string[] = [];
      const results = await trivyScans(dir, (l) => lines.push(l));
      assert.deepEqual(
        results.map((r) => r.outcome),
        ["clean", "clean"],
        lines.join("\n"),
      );
    });
  });
});
