import type {
  V1NetworkPolicy,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicySpec,
} from "@kubernetes/client-node";
import { serverName, serverSelector } from "../../api/names.ts";
import type { SentimentModel } from "../../api/sentiment-model.ts";
import type { OperatorConfig } from "../../config.ts";
import { serverLabels } from "./deployment.ts";
import { childMeta } from "./meta.ts";

type WireIngressRule = Omit<V1NetworkPolicyIngressRule, "_from"> & { from?: V1NetworkPolicyPeer[] };
/** A NetworkPolicy as JSON on the wire (`from`, not client-node's `_from`). */
export type WireNetworkPolicy = Omit<V1NetworkPolicy, "spec"> & {
  spec: Omit<V1NetworkPolicySpec, "ingress"> & { ingress?: WireIngressRule[] };
};

/**
 * Ingress to the server port only: from pods of the same namespace (`allowSameNamespace`) and from
 * the named namespaces (`allowNamespaces` plus the operator's monitoring namespaces). No allowed
 * source gives no rule at all, which denies all ingress (an empty `from` would allow everyone).
 * Like every builder it returns wire JSON; client-node's type names `from` `_from`, hence the
 * local `WireNetworkPolicy` type.
 */
export function buildNetworkPolicy(model: SentimentModel, config: OperatorConfig): WireNetworkPolicy {
  const np = model.spec.networkPolicy;
  const namespaces = [...new Set([...np.allowNamespaces, ...config.monitoringNamespaces])].sort();
  const from: V1NetworkPolicyPeer[] = [
    ...(np.allowSameNamespace ? [{ podSelector: {} }] : []),
    ...(namespaces.length === 0
      ? []
      : [
          {
            namespaceSelector: {
              matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: namespaces }],
            },
          },
        ]),
  ];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: childMeta(model, serverName(model.metadata.name), serverLabels(model)),
    spec: {
      podSelector: { matchLabels: serverSelector(model.metadata.name) },
      policyTypes: ["Ingress"],
      ingress: from.length === 0 ? [] : [{ from, ports: [{ port: config.serverPort, protocol: "TCP" }] }],
    },
  };
}
