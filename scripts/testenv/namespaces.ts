import type { TestContext } from "node:test";
import { ApiException, CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { randomSuffix, testNamespaceName } from "./names.ts";

/** Label on every namespace the helper creates, so leftovers on a shared cluster are easy to find. */
export const TEST_NAMESPACE_LABEL = "sentiment-operator.dev/test-namespace";

/** Creates a namespace named after the test; deletes it (in the background) when the test ends. */
export async function createTestNamespace(t: TestContext, kc: KubeConfig): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = testNamespaceName(t.name, randomSuffix());
  await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: "true" } } } });
  t.after(async () => {
    try {
      await core.deleteNamespace({ name, propagationPolicy: "Background" });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 404)) throw e;
    }
  });
  return name;
}

/** The namespace's events, oldest first, one line each (for failure reports). */
export async function namespaceEvents(kc: KubeConfig, namespace: string): Promise<string> {
  try {
    const list = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace });
    const lines = list.items
      .sort((a, b) =>
        String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)),
      )
      .map(
        (e) =>
          `${e.type ?? ""} ${e.reason ?? ""} ${e.involvedObject.kind ?? ""}/${e.involvedObject.name ?? ""}: ${e.message ?? ""}`,
      );
    return `----- events in namespace ${namespace}\n${lines.join("\n") || "(none)"}`;
  } catch (e) {
    return `----- events in namespace ${namespace}: could not list (${(e as Error).message})`;
  }
}
