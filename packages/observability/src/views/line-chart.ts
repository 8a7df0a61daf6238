import type { Sink } from "@eddy/core";
import type { DashboardView, LineChartDefinition, LineChartState, Marker, SeriesPoints } from "./view.ts";
import { slug } from "./view.ts";

/**
 * Options of {@link lineChart}; defaults in {@link LINE_CHART_DEFAULTS}.
 *
 * @example
 * const options: LineChartOptions<Tick> = { title: "Price", series: (t) => t.symbol, value: (t) => t.price };
 */
export interface LineChartOptions<T> {
  /** Shown above the chart. */
  readonly title: string;
  /** Defaults to the title as a slug. */
  readonly id?: string;
  /** The series a record belongs to (e.g. its symbol). Default: one series named after the title. */
  readonly series?: (record: T) => string;
  /** The value plotted. */
  readonly value: (record: T) => number;
  /** A band drawn around the line, e.g. the one-hour minimum and maximum. */
  readonly band?: (record: T) => readonly [low: number, high: number];
  /** The time a record is plotted at. Default: its event time (the timestamp it carries). */
  readonly time?: (record: T, timestamp: number) => number;
  /** Points of a series closer than this (ms) are one point: the latest record wins. */
  readonly resolution?: number;
  /** Time kept and shown, back from the newest point of each series (ms). */
  readonly span?: number;
  /** Shown next to values, e.g. `"%"` or `"USD"`. */
  readonly unit?: string;
  /** `overlay` (default): all series in one chart; `grid`: one small chart per series. */
  readonly layout?: "overlay" | "grid";
  /** Markers kept (the newest). */
  readonly maxMarkers?: number;
}

/**
 * Defaults of {@link LineChartOptions}: one point a second, one hour shown, 200 markers kept.
 *
 * @example
 * const pointsPerSeries = LINE_CHART_DEFAULTS.span / LINE_CHART_DEFAULTS.resolution; // 3600
 */
export const LINE_CHART_DEFAULTS = {
  /** One point per second per series. */
  resolution: 1_000,
  /** One hour kept and shown. */
  span: 3_600_000,
  /** Every series in one chart. */
  layout: "overlay",
  /** The newest 200 markers kept. */
  maxMarkers: 200,
} as const;

/**
 * Options of {@link LineChart.markers}.
 *
 * @example
 * const alertMarkers: MarkerOptions<{ message: string; at: number }> = {
 *   label: (a) => a.message,
 *   time: (a) => a.at,
 *   severity: () => "warning",
 * };
 */
export interface MarkerOptions<M> {
  /** The text of the marker, e.g. the alert's message. */
  readonly label: (record: M) => string;
  /** `info`, `warning` or `critical` (the default): the marker's color. */
  readonly severity?: (record: M) => "info" | "warning" | "critical";
  /** The series the marker belongs to (in a grid, it is drawn on that series' chart only). */
  readonly series?: (record: M) => string;
  /** Default: the record's event time. */
  readonly time?: (record: M, timestamp: number) => number;
}

interface Series {
  readonly t: number[];
  readonly v: number[];
  readonly lo: (number | null)[];
  readonly hi: (number | null)[];
  /** The version each point last changed at. */
  readonly changed: number[];
}

/**
 * A line chart for the dashboard, fed by a stream: `stream.sink(chart)`. Records are plotted at
 * their event time (or `time`), grouped into series (`series`), one point per `resolution` per
 * series — the latest record of that interval wins — with an optional band (`band`), keeping
 * `span` of time back from each series' newest point. Alerts go on the chart through
 * `chart.markers(...)`, a second sink.
 *
 * Records without a finite time are skipped and counted (the page shows how many). A throwing
 * `value`, `band` or `series` function fails the job, as any sink does.
 *
 * @example
 * // FX: price per symbol with its one-hour min/max band, one small chart per symbol.
 * const prices = lineChart({
 *   title: "Price per symbol",
 *   layout: "grid",
 *   series: (r: OverResult<Tick, string, Stats>) => r.key,
 *   value: (r) => r.record.price,
 *   band: (r) => [r.value.min, r.value.max],
 * });
 * ticks.keyBy((t) => t.symbol).over({ range: hours(1) }).aggregate(stats((t) => t.price)).sink(prices);
 * await dashboard(job, { views: [prices] });
 */
export function lineChart<T>(options: LineChartOptions<T>): LineChart<T> {
  return new LineChart(options);
}

/**
 * A line chart of the dashboard, and the sink that feeds it: see {@link lineChart}.
 *
 * @example
 * const price: LineChart<Tick> = lineChart({ title: "Price", series: (t) => t.symbol, value: (t) => t.price });
 * ticks.sink(price);
 */
export class LineChart<T> implements Sink<T>, DashboardView {
  /** Unique within a dashboard: `options.id`, or the title as a slug. */
  readonly id: string;
  /** The sink's name in the job graph: `view(<id>)`. */
  readonly name: string;
  readonly #options: LineChartOptions<T>;
  readonly #resolution: number;
  readonly #span: number;
  readonly #maxMarkers: number;
  readonly #series = new Map<string, Series>();
  #markers: (Marker & { readonly version: number })[] = [];
  #markerSeq = 0;
  #skipped = 0;
  #version = 0;

  /** @param options see {@link lineChart} */
  constructor(options: LineChartOptions<T>) {
    this.#options = options;
    this.id = options.id ?? slug(options.title);
    this.name = `view(${this.id})`;
    this.#resolution = options.resolution ?? LINE_CHART_DEFAULTS.resolution;
    this.#span = options.span ?? LINE_CHART_DEFAULTS.span;
    this.#maxMarkers = options.maxMarkers ?? LINE_CHART_DEFAULTS.maxMarkers;
    const owner = `lineChart(${this.id})`;
    if (!(this.#resolution > 0))
      throw new RangeError(`${owner}: resolution must be > 0 ms, got ${this.#resolution}`);
    if (!(this.#span > 0)) throw new RangeError(`${owner}: span must be > 0 ms, got ${this.#span}`);
  }

  /** @internal */
  get version(): number {
    return this.#version;
  }

  /** @internal */
  definition(): LineChartDefinition {
    return {
      kind: "line-chart",
      id: this.id,
      title: this.#options.title,
      unit: this.#options.unit,
      layout: this.#options.layout ?? LINE_CHART_DEFAULTS.layout,
      span: this.#span,
      band: this.#options.band !== undefined,
    };
  }

  /** Plots a batch of records (the job calls it: the chart is a sink). */
  write(values: T[], timestamps: number[]): void {
    const version = ++this.#version;
    const { series: seriesOf, value: plotted, band: bandOf, time: timeOf } = this.#options;
    const resolution = this.#resolution;
    let touched: Series | undefined;
    let touchedMany = false;
    for (let i = 0; i < values.length; i++) {
      const record = values[i]!;
      const time = timeOf ? timeOf(record, timestamps[i]!) : timestamps[i]!;
      if (!Number.isFinite(time)) {
        this.#skipped++;
        continue;
      }
      const series = this.#seriesNamed(seriesOf ? seriesOf(record) : this.#options.title);
      const band = bandOf?.(record);
      put(series, time - (((time % resolution) + resolution) % resolution), plotted(record), band, version);
      if (touched !== series) {
        touchedMany = touched !== undefined;
        touched = series;
      }
    }
    // Eviction per batch, not per record: every series when the batch touched several.
    if (touchedMany) for (const series of this.#series.values()) evict(series, this.#span);
    else if (touched) evict(touched, this.#span);
  }

  /**
   * A sink that marks its records on this chart, e.g. alerts: `alerts.sink(chart.markers({ label }))`.
   * The newest `maxMarkers` are kept.
   */
  markers<M>(options: MarkerOptions<M>): Sink<M> {
    return {
      name: `${this.name}.markers`,
      write: (values, timestamps) => {
        const version = ++this.#version;
        for (let i = 0; i < values.length; i++) {
          const record = values[i]!;
          const t = options.time ? options.time(record, timestamps[i]!) : timestamps[i]!;
          if (!Number.isFinite(t)) {
            this.#skipped++;
            continue;
          }
          const series = options.series?.(record);
          this.#markers.push({
            seq: ++this.#markerSeq,
            t,
            label: options.label(record),
            severity: options.severity?.(record) ?? "critical",
            ...(series === undefined ? {} : { series }),
            version,
          });
        }
        if (this.#markers.length > this.#maxMarkers) this.#markers = this.#markers.slice(-this.#maxMarkers);
      },
    };
  }

  /** @internal */
  state(): LineChartState {
    return this.changesSince(0) ?? { kind: "line-chart", series: {}, markers: [], skipped: this.#skipped };
  }

  /** @internal */
  changesSince(version: number): LineChartState | undefined {
    if (version >= this.#version) return undefined;
    const series: Record<string, SeriesPoints> = {};
    for (const [name, s] of this.#series) {
      let from = s.changed.length;
      for (let i = s.changed.length - 1; i >= 0; i--) if (s.changed[i]! > version) from = i;
      if (from === s.changed.length) continue;
      series[name] = this.#options.band
        ? { t: s.t.slice(from), v: s.v.slice(from), lo: s.lo.slice(from), hi: s.hi.slice(from) }
        : { t: s.t.slice(from), v: s.v.slice(from) };
    }
    const markers = this.#markers.filter((m) => m.version > version).map(({ version: _v, ...m }) => m);
    return { kind: "line-chart", series, markers, skipped: this.#skipped };
  }

  #seriesNamed(name: string): Series {
    let series = this.#series.get(name);
    if (!series) {
      series = { t: [], v: [], lo: [], hi: [], changed: [] };
      this.#series.set(name, series);
    }
    return series;
  }
}

/** Sets the point at `bucket` (appending, updating or inserting it in time order). */
function put(
  s: Series,
  bucket: number,
  value: number,
  band: readonly [number, number] | undefined,
  version: number,
): void {
  const n = s.t.length;
  let at: number;
  if (n === 0 || bucket > s.t[n - 1]!) {
    at = n;
  } else if (bucket === s.t[n - 1]) {
    at = n - 1;
  } else {
    at = lowerBound(s.t, bucket);
    if (s.t[at] !== bucket) {
      // An older point than the newest: rare (out-of-order records), so a splice is fine.
      s.t.splice(at, 0, bucket);
      s.v.splice(at, 0, value);
      s.lo.splice(at, 0, null);
      s.hi.splice(at, 0, null);
      s.changed.splice(at, 0, version);
    }
  }
  s.t[at] = bucket;
  s.v[at] = value;
  s.lo[at] = band ? band[0] : null;
  s.hi[at] = band ? band[1] : null;
  s.changed[at] = version;
}

/** Drops points older than `span` before the series' newest one. */
function evict(s: Series, span: number): void {
  const n = s.t.length;
  if (n === 0 || s.t[0]! >= s.t[n - 1]! - span) return;
  const keepFrom = lowerBound(s.t, s.t[n - 1]! - span);
  s.t.splice(0, keepFrom);
  s.v.splice(0, keepFrom);
  s.lo.splice(0, keepFrom);
  s.hi.splice(0, keepFrom);
  s.changed.splice(0, keepFrom);
}

/** The first index whose time is >= `time`. */
function lowerBound(times: readonly number[], time: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
