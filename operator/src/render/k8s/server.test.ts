import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { defaultOperatorConfig } from "../../config.ts";
import { sentimentModel, withModelSpec } from "../../testing/resources.ts";
import { buildDeployment } from "./deployment.ts";
import { buildHpa } from "./hpa.ts";
import { buildNetworkPolicy } from "./network-policy.ts";
import { buildPdb } from "./pdb.ts";
import { buildModelPvc } from "./pvc.ts";
import { buildService } from "./service.ts";
import { buildServiceMonitor } from "./service-monitor.ts";

const config = defaultOperatorConfig({ serverImage: "server:1" });
const served = { version: "v2", claimName: "reviews-models", path: "reviews/run-2" };
type Mods = Parameters<typeof sentimentModel>[1][];
const deployment = (...mods: Mods) => buildDeployment(sentimentModel("reviews", ...mods), served, config);
const server = (d: ReturnType<typeof deployment>) => d.spec!.template.spec!.containers[0]!;

describe("buildDeployment", () => {
  test("replicas from the spec when autoscaling is off", () => assert.equal(deployment().spec?.replicas, 2));
  test("replicas OMITTED when autoscaling is on (the HPA owns them)", () => {
    assert.equal("replicas" in deployment(withModelSpec({ autoscaling: { enabled: true } })).spec!, false);
  });
  test("rolls out with no unavailable replicas", () => {
    assert.deepEqual(deployment().spec?.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
  });
  test("serves the version's directory from the claim mounted read-only", () => {
    const d = deployment();
    assert.deepEqual(
      d.spec!.template.spec!.volumes!.find((v) => v.name === "models")?.persistentVolumeClaim,
      { claimName: "reviews-models", readOnly: true },
    );
    assert.deepEqual(
      server(d).volumeMounts!.find((m) => m.name === "models"),
      { name: "models", mountPath: "/models", readOnly: true },
    );
    assert.equal(
      server(d).env!.find((e) => e.name === "SENTIMENT_SERVE_MODEL")?.value,
      "/models/reviews/run-2",
    );
  });
  test("probes /health and /ready on the named port", () => {
    const c = server(deployment());
    assert.equal(c.livenessProbe?.httpGet?.path, "/health");
    assert.equal(c.readinessProbe?.httpGet?.path, "/ready");
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
  });
  test("is locked down", () => {
    const d = deployment();
    const c = server(d);
    assert.equal(d.spec!.template.spec!.securityContext?.runAsNonRoot, true);
    assert.equal(d.spec!.template.spec!.securityContext?.seccompProfile?.type, "RuntimeDefault");
    assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"]);
    assert.ok(c.volumeMounts!.some((m) => m.mountPath === "/tmp"));
  });
  test("the pod template carries the version only: no timestamps, deterministic", () => {
    assert.deepEqual(deployment().spec!.template.metadata?.annotations, {
      "sentiment.mlops.dev/model-version": "v2",
    });
    assert.deepEqual(deployment(), deployment());
  });
  test("the selector never includes the version (it is immutable)", () => {
    assert.deepEqual(deployment().spec?.selector, {
      matchLabels: { "app.kubernetes.io/name": "sentiment-server", "app.kubernetes.io/instance": "reviews" },
    });
    assert.equal(deployment().spec!.template.metadata?.labels?.["app.kubernetes.io/version"], "v2");
  });
  test("limits, auth and user env become the server's environment; the user's value wins", () => {
    const d = deployment(
      withModelSpec({
        server: {
          limits: { maxBatchSize: 64 },
          auth: { secretName: "token" },
          env: [
            { name: "PORT", value: "9090" },
            { name: "LOG_LEVEL", value: "debug" },
          ],
        },
      }),
    );
    const env = server(d).env!;
    assert.equal(env.find((e) => e.name === "SENTIMENT_SERVE_MAX_BATCH_SIZE")?.value, "64");
    assert.equal(
      env.find((e) => e.name === "SENTIMENT_SERVE_AUTH_TOKEN_FILE")?.value,
      "/var/run/secrets/sentiment-auth/token",
    );
    assert.deepEqual(
      env.filter((e) => e.name === "PORT"),
      [{ name: "PORT", value: "9090" }],
    );
    assert.deepEqual(d.spec!.template.spec!.volumes!.find((v) => v.name === "auth")?.secret, {
      secretName: "token",
      items: [{ key: "token", path: "token" }],
    });
  });
});

describe("other server children", () => {
  const model = sentimentModel(
    "reviews",
    withModelSpec({ autoscaling: { enabled: true, maxReplicas: 7 }, service: { port: 8000 } }),
  );
  test("Service: port → named target port, selecting the server pods", () => {
    const s = buildService(model);
    assert.deepEqual(s.spec?.ports, [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }]);
    assert.equal(s.spec?.selector?.["app.kubernetes.io/instance"], "reviews");
  });
  test("HPA: autoscaling/v2 on the Deployment with CPU and memory targets", () => {
    const h = buildHpa(model);
    assert.equal(h.apiVersion, "autoscaling/v2");
    assert.deepEqual(
      [h.spec?.minReplicas, h.spec?.maxReplicas, h.spec?.scaleTargetRef.name],
      [1, 7, "reviews"],
    );
    assert.deepEqual(
      h.spec?.metrics?.map((m) => [m.resource?.name, m.resource?.target.averageUtilization]),
      [
        ["cpu", 70],
        ["memory", 80],
      ],
    );
    assert.equal(h.spec?.behavior, undefined, "Kubernetes' default behaviour unless asked");
  });
  test("HPA: scaleDownStabilizationSeconds sets the scale-down window", () => {
    const quick = sentimentModel(
      "reviews",
      withModelSpec({ autoscaling: { enabled: true, scaleDownStabilizationSeconds: 15 } }),
    );
    assert.equal(buildHpa(quick).spec?.behavior?.scaleDown?.stabilizationWindowSeconds, 15);
  });
  test("PDB: maxUnavailable 1", () => assert.equal(buildPdb(model).spec?.maxUnavailable, 1));
  test("NetworkPolicy: same namespace and monitoring namespaces, server port only", () => {
    const np = buildNetworkPolicy(model, defaultOperatorConfig({ monitoringNamespaces: ["prometheus"] }));
    assert.deepEqual(np.spec.ingress, [
      {
        from: [
          { podSelector: {} },
          {
            namespaceSelector: {
              matchExpressions: [
                { key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring", "prometheus"] },
              ],
            },
          },
        ],
        ports: [{ port: 8080, protocol: "TCP" }],
      },
    ]);
  });
  test("NetworkPolicy with no allowed source denies all ingress (no empty from)", () => {
    const np = buildNetworkPolicy(
      sentimentModel(
        "reviews",
        withModelSpec({ networkPolicy: { allowSameNamespace: false, allowNamespaces: [] } }),
      ),
      config,
    );
    assert.deepEqual(np.spec.ingress, []);
    assert.deepEqual(np.spec.policyTypes, ["Ingress"]);
  });
  test("ServiceMonitor: scrapes /metrics on the named port every interval, with extra labels", () => {
    const sm = buildServiceMonitor(
      sentimentModel(
        "reviews",
        withModelSpec({ monitoring: { serviceMonitor: { interval: "30s", labels: { release: "prom" } } } }),
      ),
    );
    assert.deepEqual(sm.spec.endpoints, [{ port: "http", path: "/metrics", interval: "30s" }]);
    assert.equal(sm.metadata.labels?.["release"], "prom");
  });
  test("PVC: 2Gi ReadWriteOnce by default; class and modes configurable", () => {
    assert.deepEqual(buildModelPvc(model).spec, {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "2Gi" } },
    });
    const custom = buildModelPvc(
      sentimentModel(
        "reviews",
        withModelSpec({ storage: { size: "5Gi", storageClassName: "fast", accessModes: ["ReadWriteMany"] } }),
      ),
    );
    assert.deepEqual(custom.spec, {
      accessModes: ["ReadWriteMany"],
      resources: { requests: { storage: "5Gi" } },
      storageClassName: "fast",
    });
  });
  test("every child has the controller reference and the standard labels", () => {
    for (const o of [
      buildDeployment(model, served, config),
      buildService(model),
      buildHpa(model),
      buildPdb(model),
      buildNetworkPolicy(model, config),
      buildServiceMonitor(model),
      buildModelPvc(model),
    ]) {
      assert.equal(o.metadata?.ownerReferences?.[0]?.uid, "uid-reviews", o.kind);
      assert.equal(o.metadata?.ownerReferences?.[0]?.controller, true, o.kind);
      for (const l of [
        "app.kubernetes.io/name",
        "app.kubernetes.io/instance",
        "app.kubernetes.io/managed-by",
        "app.kubernetes.io/part-of",
      ]) {
        assert.ok(o.metadata?.labels?.[l], `${o.kind} ${l}`);
      }
    }
  });
});
