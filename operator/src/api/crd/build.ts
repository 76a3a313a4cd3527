import type { z } from "zod";
import { CATEGORY, GROUP, VERSION } from "../group.ts";
import type { CelRule } from "./immutable.ts";
import { toStructural, type SchemaNode } from "./structural.ts";

export interface PrinterColumn {
  readonly name: string;
  readonly type: "string" | "number" | "integer" | "date" | "boolean";
  readonly jsonPath: string;
  readonly priority?: number;
}

/** Everything that makes one CRD: names, the zod spec and status, extra CEL rules and columns. */
export interface CrdDefinition {
  /** What the kind is, for `kubectl explain <kind>`. */
  readonly description: string;
  readonly names: {
    readonly kind: string;
    readonly listKind: string;
    readonly plural: string;
    readonly singular: string;
    readonly shortNames: readonly string[];
  };
  readonly spec: z.ZodType;
  readonly status: z.ZodType;
  /** Rules on the whole object (only `self.metadata.name` of metadata is visible to CEL). */
  readonly rootRules: readonly CelRule[];
  /** Extra rules on `spec`, e.g. immutability (transition rules). */
  readonly specRules: readonly CelRule[];
  readonly scale?: {
    readonly specReplicasPath: string;
    readonly statusReplicasPath: string;
    readonly labelSelectorPath: string;
  };
  readonly printerColumns: readonly PrinterColumn[];
}

const withRules = (node: SchemaNode, rules: readonly CelRule[]): SchemaNode => {
  if (rules.length === 0) return node;
  const existing = (node["x-kubernetes-validations"] as CelRule[] | undefined) ?? [];
  return { ...node, "x-kubernetes-validations": [...existing, ...rules] };
};

/** The CustomResourceDefinition object (apiextensions.k8s.io/v1) for one kind. */
export function buildCrd(def: CrdDefinition): Record<string, unknown> {
  const { names } = def;
  const spec = withRules(toStructural(def.spec), def.specRules);
  const openAPIV3Schema = withRules(
    {
      type: "object",
      description: `${def.description} Generated from operator/src/api by scripts/gen-crds.ts.`,
      properties: {
        // The standard texts of every Kubernetes kind.
        apiVersion: {
          type: "string",
          description:
            "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
        },
        kind: {
          type: "string",
          description:
            "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.",
        },
        // The apiserver refuses anything but the type here; kubectl explain shows ObjectMeta's docs.
        metadata: { type: "object" },
        spec,
        status: toStructural(def.status),
      },
      required: ["spec"],
    },
    def.rootRules,
  );
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${names.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [CATEGORY],
      },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          subresources: { status: {}, ...(def.scale === undefined ? {} : { scale: def.scale }) },
          additionalPrinterColumns: def.printerColumns,
        },
      ],
    },
  };
}
