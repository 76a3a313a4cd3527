import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sentimentModel, withModelSpec } from "../../testing/resources.ts";
import type { ServiceMonitor } from "../../render/k8s/service-monitor.ts";
import { decideMonitoring } from "./monitoring.ts";

const enabled = sentimentModel("reviews");
const disabled = sentimentModel(
  "reviews",
  withModelSpec({ monitoring: { serviceMonitor: { enabled: false } } }),
);
const live = { serviceMonitor: { metadata: { name: "reviews-server" } } as ServiceMonitor };

describe("decideMonitoring (MonitoringReady)", () => {
  const cases: {
    name: string;
    model: typeof enabled;
    crd: boolean | undefined;
    children: typeof live | object;
    want: [wanted: boolean, status: string, reason: string];
  }[] = [
    { name: "turned off", model: disabled, crd: undefined, children: {}, want: [false, "True", "Disabled"] },
    {
      name: "discovery has not answered: Unknown, not False",
      model: enabled,
      crd: undefined,
      children: {},
      want: [false, "Unknown", "ServiceMonitorCRDUnknown"],
    },
    {
      name: "CRD absent: False",
      model: enabled,
      crd: false,
      children: {},
      want: [false, "False", "ServiceMonitorCRDNotInstalled"],
    },
    {
      name: "CRD served, not created yet",
      model: enabled,
      crd: true,
      children: {},
      want: [true, "Unknown", "Creating"],
    },
    {
      name: "ServiceMonitor exists",
      model: enabled,
      crd: true,
      children: live,
      want: [true, "True", "ServiceMonitorCreated"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = decideMonitoring(c.model, c.children, c.crd);
      assert.deepEqual([got.wanted, got.condition.status, got.condition.reason], c.want);
    });
  }
});
