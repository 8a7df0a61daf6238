import { Counter, Gauge, type Registry } from "prom-client";

/** The labels of one series. */
export type Labels = Record<string, string>;
/** One series of a metric: its labels and value. */
export type Series = readonly [labels: Labels, value: number];

/** A metric whose series are read from a reading `R` when Prometheus scrapes. */
export interface MetricSpec<R> {
  /** The name without the prefix. */
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly labels: readonly string[];
  readonly series: (reading: R) => Series[];
}

/**
 * Registers each spec in `registry` as a prom-client metric that reads its series from `read()`
 * at every scrape (collect callbacks), so nothing is counted on the job's record path.
 */
export function registerMetricSpecs<R>(
  registry: Registry,
  specs: readonly MetricSpec<R>[],
  read: () => R,
  prefix: string,
): void {
  for (const spec of specs) {
    const config = { name: `${prefix}${spec.name}`, help: spec.help, labelNames: spec.labels, registers: [] };
    registry.registerMetric(
      spec.type === "counter"
        ? new Counter({
            ...config,
            collect() {
              this.reset();
              for (const [labels, value] of spec.series(read())) this.inc(labels, value);
            },
          })
        : new Gauge({
            ...config,
            collect() {
              this.reset();
              for (const [labels, value] of spec.series(read())) this.set(labels, value);
            },
          }),
    );
  }
}
