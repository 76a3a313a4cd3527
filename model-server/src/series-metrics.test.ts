import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Counter, Histogram, Registry } from "prom-client";
import { SeriesCounter, SeriesHistogram } from "./series-metrics.ts";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const labelNames = ["method", "route", "status"] as const;
type Labels = Record<(typeof labelNames)[number], string>;
/** Label values, and values on, between and beyond the bucket bounds. */
const UPDATES: [Labels, number][] = [
  [{ method: "POST", route: "/predict", status: "200" }, 0.0004],
  [{ method: "POST", route: "/predict", status: "200" }, 0.001],
  [{ method: "GET", route: "/health", status: "200" }, 0.05],
  [{ method: "POST", route: "/predict", status: "200" }, 2.5],
  [{ method: "POST", route: 'odd "route"\n\\', status: "404" }, 0.01],
  [{ method: "POST", route: "/predict", status: "200" }, 0],
];

/** The same updates through prom-client's metrics and through ours, each in its own registry. */
function both(): { theirs: Registry; ours: Registry } {
  const theirs = new Registry();
  const ours = new Registry();
  const common = { name: "http_request_duration_seconds", help: "Duration.", labelNames };
  const h = new Histogram({ ...common, buckets: BUCKETS, registers: [theirs] });
  const c = new Counter({ ...common, name: "http_requests_total", registers: [theirs] });
  const sh = new SeriesHistogram({ ...common, buckets: BUCKETS, registers: [ours] });
  const sc = new SeriesCounter({ ...common, name: "http_requests_total", registers: [ours] });
  for (const [labels, v] of UPDATES) {
    h.labels(labels).observe(v);
    c.labels(labels).inc();
    sh.series(labels).observe(v);
    sc.series(labels).inc();
  }
  c.labels(UPDATES[0]![0]).inc(2);
  sc.series(UPDATES[0]![0]).inc(2);
  return { theirs, ours };
}

describe("SeriesCounter and SeriesHistogram", () => {
  test("render the exposition text prom-client renders for the same updates", async () => {
    const { theirs, ours } = both();
    const text = await ours.metrics();
    assert.equal(text, await theirs.metrics());
    assert.match(
      text,
      /http_request_duration_seconds_bucket\{le="0.001",method="POST",route="\/predict",status="200"\} 3/,
    );
    assert.match(text, /http_requests_total\{method="POST",route="\/predict",status="200"\} 6/);
  });

  test("give the JSON prom-client gives (without exemplars, which they do not keep)", async () => {
    const { theirs, ours } = both();
    const withoutExemplars = JSON.parse(JSON.stringify(await theirs.getMetricsAsJSON()), (k, v: unknown) =>
      k === "exemplar" ? undefined : v,
    ) as unknown;
    assert.deepEqual(JSON.parse(JSON.stringify(await ours.getMetricsAsJSON())), withoutExemplars);
  });

  test("a series is created once, keeps counting, and reset sets it to 0 without orphaning it", async () => {
    const r = new Registry();
    const c = new SeriesCounter({ name: "c_total", help: "C.", labelNames: ["a"], registers: [r] });
    const h = new SeriesHistogram({ name: "h", help: "H.", labelNames: ["a"], buckets: [1], registers: [r] });
    const s = c.series({ a: "x" });
    assert.equal(c.series({ a: "x" }), s);
    s.inc();
    s.inc(4);
    h.series({ a: "x" }).observe(0.5);
    assert.equal(s.value, 5);
    r.resetMetrics();
    assert.match(
      await r.metrics(),
      /c_total\{a="x"\} 0\n[^]*h_bucket\{le="1",a="x"\} 0\n[^]*h_count\{a="x"\} 0/,
    );
    s.inc(2);
    assert.match(await r.metrics(), /c_total\{a="x"\} 2\n/);
  });

  test("a histogram refuses a value that is not a finite number", () => {
    const h = new SeriesHistogram({ name: "h", help: "H.", labelNames: [], buckets: [1], registers: [] });
    assert.throws(() => h.series({}).observe(Number.NaN), /not a valid number/);
  });
});
