/**
 * What a shipped operator Deployment (chart or config/manager) tells the operator, worked out by
 * the operator's own CLI parser exactly as the container would run it: its args, its env with the
 * downward API resolved to a sample pod, and --config read from the mounted ConfigMap.
 */
import { err, failure, ok, type Result } from "../../common/result.ts";
import { parseCli, type RunOptions } from "../../operator/src/cli.ts";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
export interface OperatorContainer {
  name: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface OperatorDeployment {
  spec: {
    replicas?: number;
    template: {
      metadata: { labels: Record<string, string> };
      spec: { containers: OperatorContainer[]; volumes?: { name: string; configMap?: { name: string } }[] };
    };
  };
}
export interface ConfigMapLike {
  metadata: { name: string };
  data?: Record<string, string>;
}

export function operatorOptions(
  deployment: OperatorDeployment,
  configMaps: readonly ConfigMapLike[],
  pod: { namespace: string; name: string },
): Result<RunOptions> {
  const spec = deployment.spec.template.spec;
  const c = spec.containers.find((x) => x.name === "operator") ?? spec.containers[0];
  if (c === undefined) return err(failure("NoContainer", "the Deployment has no containers"));
  const env: NodeJS.ProcessEnv = {};
  for (const e of c.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    env[e.name] =
      field === "metadata.namespace" ? pod.namespace : field === "metadata.name" ? pod.name : e.value;
  }
  const readFile = (path: string): string => {
    for (const m of c.volumeMounts ?? []) {
      if (!path.startsWith(`${m.mountPath}/`)) continue;
      const cmName = spec.volumes?.find((v) => v.name === m.name)?.configMap?.name;
      const text = configMaps.find((cm) => cm.metadata.name === cmName)?.data?.[
        path.slice(m.mountPath.length + 1)
      ];
      if (text !== undefined) return text;
    }
    throw new Error(`ENOENT: ${path} is in no mounted ConfigMap`);
  };
  const parsed = parseCli(c.args ?? [], env, readFile);
  if (!parsed.ok) return parsed;
  if (parsed.value.command !== "run")
    return err(failure("NotRun", "the arguments do not start the operator (`run`)"));
  return ok(parsed.value.options);
}
