/**
 * A view of the dashboard, fed by a stream: {@link lineChart} and {@link table} make them. A view
 * is a sink (or gives sinks) that keeps a bounded summary of what it was sent, and hands the page
 * what changed since a version.
 *
 * @example
 * const views: DashboardView[] = [lineChart({ title: "Price", value: (t: Tick) => t.price })];
 * await dashboard(job, { views });
 */
export interface DashboardView {
  /** Unique within a dashboard; the page addresses the view by it. */
  readonly id: string;
  /**
   * Increases with every batch the view takes in.
   * @internal
   */
  readonly version: number;
  /**
   * What the page needs to lay the view out.
   * @internal
   */
  definition(): ViewDefinition;
  /**
   * Everything the view holds, for a page that just connected.
   * @internal
   */
  state(): ViewState;
  /**
   * What changed after `version`, or `undefined` when nothing did.
   * @internal
   */
  changesSince(version: number): ViewState | undefined;
}

/** How a line chart is drawn. */
export interface LineChartDefinition {
  readonly kind: "line-chart";
  readonly id: string;
  readonly title: string;
  readonly unit: string | undefined;
  /** `overlay`: every series in one chart; `grid`: one small chart per series. */
  readonly layout: "overlay" | "grid";
  /** Span of time shown, back from the newest point (ms). */
  readonly span: number;
  /** Whether series carry a low/high band. */
  readonly band: boolean;
}

/** How a table is drawn. */
export interface TableDefinition {
  readonly kind: "table";
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[] | undefined;
  readonly sortBy: string | undefined;
  readonly descending: boolean;
  readonly limit: number;
}

export type ViewDefinition = LineChartDefinition | TableDefinition;

/** Points of one series, columnar: point `i` is at time `t[i]` with value `v[i]` (band `lo[i]`..`hi[i]`). */
export interface SeriesPoints {
  readonly t: number[];
  readonly v: number[];
  readonly lo?: (number | null)[];
  readonly hi?: (number | null)[];
}

/** An event worth marking on a chart (an alert). */
export interface Marker {
  /** Increases per marker, so a page can tell markers it has from new ones. */
  readonly seq: number;
  readonly t: number;
  readonly label: string;
  readonly severity: "info" | "warning" | "critical";
  /** The series it belongs to, if any. */
  readonly series?: string;
}

/**
 * A line chart's state or changes: per series, the points from the first one that changed on
 * (a page replaces its points from that time on); markers added.
 */
export interface LineChartState {
  readonly kind: "line-chart";
  readonly series: Readonly<Record<string, SeriesPoints>>;
  readonly markers: readonly Marker[];
  /** Records skipped because they had no finite time. */
  readonly skipped: number;
}

/** A table's rows, sorted and limited, replacing what the page shows. */
export interface TableState {
  readonly kind: "table";
  readonly rows: readonly Readonly<Record<string, string | number>>[];
}

export type ViewState = LineChartState | TableState;

/** An id from a title: "Price per symbol" → "price-per-symbol". */
export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "view"
  );
}
