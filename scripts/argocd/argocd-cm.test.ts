import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { ARGOCD_CM_PATH, renderArgocdCm } from "./argocd-cm.ts";
import { healthChecks, REPO } from "./health.ts";

describe("argocd-cm snippet (config/argocd/argocd-cm.yaml)", () => {
  test("holds every health.lua byte for byte under Argo CD's key, in a ConfigMap named argocd-cm", () => {
    const cm = parse(renderArgocdCm(healthChecks())) as {
      kind: string;
      metadata: { name: string };
      data: Record<string, string>;
    };
    assert.deepEqual([cm.kind, cm.metadata.name], ["ConfigMap", "argocd-cm"]);
    assert.deepEqual(
      cm.data,
      Object.fromEntries(
        healthChecks().map((c) => [`resource.customizations.health.${c.group}_${c.kind}`, c.script]),
      ),
    );
  });

  test("the committed file and the chart's copy are current", () => {
    const want = renderArgocdCm(healthChecks());
    assert.equal(readFileSync(join(REPO, ARGOCD_CM_PATH), "utf8"), want, "run `npm run gen:argocd`");
    const chartCopy = readFileSync(join(REPO, "charts/sentiment-operator/files/argocd-cm.yaml"), "utf8");
    assert.ok(chartCopy.endsWith(want), "run `npm run gen:chart`");
  });
});
