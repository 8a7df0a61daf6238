import { fromIterable, monotonous, pipeline, silentLogger } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { lineChart } from "./line-chart.ts";

interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly low: number;
  readonly high: number;
}
const tick = (symbol: string, price: number): Tick => ({ symbol, price, low: price - 1, high: price + 1 });

describe("lineChart", () => {
  test("one point per resolution per series, the latest record winning, with its band", () => {
    const chart = lineChart<Tick>({
      title: "Price per symbol",
      series: (t) => t.symbol,
      value: (t) => t.price,
      band: (t) => [t.low, t.high],
    });
    chart.write(
      [tick("EUR", 1), tick("EUR", 2), tick("JPY", 150), tick("EUR", 3)],
      [1_000, 1_999, 1_500, 2_000],
    );
    expect(chart.id).toBe("price-per-symbol");
    expect(chart.definition()).toEqual({
      kind: "line-chart",
      id: "price-per-symbol",
      title: "Price per symbol",
      unit: undefined,
      layout: "overlay",
      span: 3_600_000,
      band: true,
    });
    expect(chart.state()).toEqual({
      kind: "line-chart",
      series: {
        EUR: { t: [1_000, 2_000], v: [2, 3], lo: [1, 2], hi: [3, 4] },
        JPY: { t: [1_000], v: [150], lo: [149], hi: [151] },
      },
      markers: [],
      skipped: 0,
    });
  });

  test("changes since a version start at the first point that changed, out-of-order ones included", () => {
    const chart = lineChart<number>({ title: "Rate", value: (n) => n, resolution: 10 });
    chart.write([1, 2, 3], [0, 10, 20]);
    const seen = chart.version;
    expect(chart.changesSince(seen)).toBeUndefined();
    chart.write([4], [30]);
    expect(chart.changesSince(seen)!.series).toEqual({ Rate: { t: [30], v: [4] } });
    const later = chart.version;
    // A late record lands between existing points: the page gets everything from it on.
    chart.write([9], [15]);
    expect(chart.changesSince(later)!.series).toEqual({ Rate: { t: [10, 20, 30], v: [9, 3, 4] } });
    chart.write([7], [5]);
    expect(chart.state().series.Rate).toEqual({ t: [0, 10, 20, 30], v: [7, 9, 3, 4] });
  });

  test("keeps the span back from each series' newest point, and counts records without a time", () => {
    const chart = lineChart<number>({ title: "Lag", value: (n) => n, resolution: 1, span: 100 });
    chart.write([1, 2, 3], [0, 50, Number.NaN]);
    chart.write([4], [150]);
    expect(chart.state()).toMatchObject({ series: { Lag: { t: [50, 150], v: [2, 4] } }, skipped: 1 });
  });

  test("markers are a second sink; pages get the new ones, and the newest are kept", () => {
    const chart = lineChart<number>({ title: "5xx rate", value: (n) => n, unit: "%", maxMarkers: 2 });
    const alerts = chart.markers<{ message: string; page: string }>({
      label: (a) => a.message,
      series: (a) => a.page,
      severity: (a) => (a.message.includes("!") ? "critical" : "warning"),
    });
    expect(alerts.name).toBe("view(5xx-rate).markers");
    alerts.write([{ message: "high", page: "/a" }], [1_000]);
    const seen = chart.version;
    alerts.write(
      [
        { message: "higher!", page: "/a" },
        { message: "highest!", page: "/b" },
      ],
      [2_000, 3_000],
    );
    expect(chart.changesSince(seen)!.markers).toEqual([
      { seq: 2, t: 2_000, label: "higher!", severity: "critical", series: "/a" },
      { seq: 3, t: 3_000, label: "highest!", severity: "critical", series: "/b" },
    ]);
    expect(chart.state().markers.map((m) => m.seq)).toEqual([2, 3]);
  });

  test("is a sink of a job: records plotted at their event time", async () => {
    const chart = lineChart<{ at: number; value: number }>({ title: "Values", value: (r) => r.value });
    const job = pipeline("charted", { logger: silentLogger, stopOnSignals: false });
    job
      .source(
        fromIterable([
          { at: 1_000, value: 5 },
          { at: 2_000, value: 7 },
        ]),
      )
      .withWatermarks(monotonous(), (r) => r.at)
      .sink(chart);
    await job.run();
    expect(chart.state().series.Values).toEqual({ t: [1_000, 2_000], v: [5, 7] });
    expect(job.describe().nodes.at(-1)).toMatchObject({ kind: "sink", label: "sink(view(values))" });
  });

  test("refuses a resolution or span that is not a positive time", () => {
    expect(() => lineChart({ title: "x", value: () => 0, resolution: 0 })).toThrow(
      "lineChart(x): resolution must be > 0 ms, got 0",
    );
    expect(() => lineChart({ title: "x", value: () => 0, span: -1 })).toThrow(
      "lineChart(x): span must be > 0 ms, got -1",
    );
  });
});
