/**
 * Installs CustomResourceDefinitions from YAML files with server-side apply and waits until the
 * apiserver serves them (condition Established=True). Idempotent, so test files running in
 * parallel can all call it.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ApiextensionsV1Api,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { FailureError } from "../../common/result.ts";
import { KubeClient } from "../../operator/src/k8s/client.ts";
import { REPO_ROOT } from "./paths.ts";
import { waitUntil } from "./wait.ts";

export const FIELD_MANAGER = "sentiment-testenv";

/** The CRD documents of every `*.yaml`/`*.yml` file in `dir`, in file order. */
export async function readCrds(dir: string): Promise<KubernetesObject[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    files = [];
  }
  const crds: KubernetesObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), "utf8"))) {
      const obj = doc.toJS() as KubernetesObject | null;
      if (obj?.kind === "CustomResourceDefinition") crds.push(obj);
    }
  }
  return crds;
}

/** Applies the CRDs in `dir` (default: the repo's crds/) and returns their names once Established. */
export async function applyCrds(kc: KubeConfig, dir: string = join(REPO_ROOT, "crds")): Promise<string[]> {
  const crds = await readCrds(dir);
  if (crds.length === 0) {
    throw new FailureError(
      "CrdsMissing",
      `Found no CustomResourceDefinition in ${dir}/*.yaml: generate the CRDs first.`,
    );
  }
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const names: string[] = [];
  // Raw JSON, not KubernetesObjectApi: its serializer knows only the TypeScript field names and
  // silently drops schema keys spelled as on the wire (`default`, `x-kubernetes-validations`).
  const client = await KubeClient.create(kc);
  try {
    for (const crd of crds) {
      const name = crd.metadata?.name ?? "";
      await client.request({
        method: "PATCH",
        path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        query: { fieldManager: FIELD_MANAGER, force: true },
        contentType: "application/apply-patch+yaml",
        body: crd,
      });
      names.push(name);
    }
  } finally {
    client.close();
  }
  await Promise.all(
    names.map(async (name) => {
      const live = await waitUntil(`CRD ${name} to be Established`, async () => {
        const c = await ext.readCustomResourceDefinition({ name });
        return c.status?.conditions?.some((x) => x.type === "Established" && x.status === "True")
          ? c
          : undefined;
      });
      // Established is not the end: the apiserver then builds the resource's storage and watch
      // cache, answering 429 "storage is (re)initializing" for about a second. Wait that out here,
      // once, rather than in whichever test touches the first custom resource.
      const version = live.spec.versions.find((v) => v.served)?.name;
      if (version) {
        await waitUntil(
          `the ${live.spec.names.plural}.${live.spec.group} storage to serve lists`,
          async () => {
            await objects.list(`${live.spec.group}/${version}`, live.spec.names.kind);
            return true;
          },
        );
      }
    }),
  );
  return names;
}
