/**
 * Server-side apply of arbitrary manifests as raw JSON, optionally as a dry run. Not
 * KubernetesObjectApi.patch: its serializer knows only the TypeScript field names and silently
 * drops keys spelled as on the wire (`x-kubernetes-int-or-string` in a CRD schema), so the
 * apiserver would judge a different object. The resource path still comes from its discovery.
 */
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { KubeClient } from "../../operator/src/k8s/client.ts";

class ResourcePaths extends KubernetesObjectApi {
  /** `/apis/<group>/<version>/[namespaces/<ns>/]<plural>/<name>`, from discovery. */
  pathOf(o: KubernetesObject): Promise<string> {
    return this.specUriPath(o, "patch");
  }
}

export interface ApplyOptions {
  readonly fieldManager: string;
  /** Validate and admit, but persist nothing. @default false */
  readonly dryRun?: boolean;
}

/** Applies each object in order; returns one line per object the apiserver refused (empty: all accepted). */
export async function serverSideApply(
  kc: KubeConfig,
  objects: readonly KubernetesObject[],
  opts: ApplyOptions,
): Promise<string[]> {
  const paths = kc.makeApiClient(ResourcePaths);
  const client = await KubeClient.create(kc);
  const refusals: string[] = [];
  try {
    for (const o of objects) {
      try {
        await client.request({
          method: "PATCH",
          path: await paths.pathOf(o),
          query: { fieldManager: opts.fieldManager, force: true, ...(opts.dryRun ? { dryRun: "All" } : {}) },
          contentType: "application/apply-patch+yaml",
          body: o,
        });
      } catch (e) {
        refusals.push(`${o.kind}/${o.metadata?.name}: ${(e as Error).message.slice(0, 500)}`);
      }
    }
  } finally {
    client.close();
  }
  return refusals;
}
