import type { V1NetworkPolicy, V1NetworkPolicyPeer } from "@kubernetes/client-node";
import { serverName, serverSelector } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { OperatorConfig } from "../../config.ts";
import { serverLabels } from "./deployment.ts";
import { childMeta } from "./meta.ts";

/**
 * Ingress to the server port only: from pods of the same namespace (`allowSameNamespace`) and from
 * the named namespaces (`allowNamespaces` plus the operator's monitoring namespaces). No allowed
 * source gives no rule at all, which denies all ingress (an empty `from` would allow everyone).
 * Like every builder, it returns the client-node model shape (`_from` is the wire `from`):
 * serialize with client-node's ObjectSerializer (KubernetesObjectApi does).
 */
export function buildNetworkPolicy(model: SentimentModel, config: OperatorConfig): V1NetworkPolicy {
  const np = model.spec.networkPolicy;
  const namespaces = [...new Set([...np.allowNamespaces, ...config.monitoringNamespaces])].sort();
  const from: V1NetworkPolicyPeer[] = [
    ...(np.allowSameNamespace ? [{ podSelector: {} }] : []),
    ...(namespaces.length === 0
      ? []
      : [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: namespaces }] } }]),
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: childMeta(model, serverName(model.metadata.name), serverLabels(model)),
    spec: {
      podSelector: { matchLabels: serverSelector(model.metadata.name) },
      policyTypes: ["Ingress"],
      ingress: from.length === 0 ? [] : [{ _from: from, ports: [{ port: config.serverPort, protocol: "TCP" }] }],
    },
  };
}
