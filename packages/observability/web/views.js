// Custom views: line charts (one chart with every series, or a tile per series) with bands and
// alert markers, and ranked tables.

import {
  axis,
  fade,
  markersPlugin,
  PALETTE,
  responsivePlot,
  timeAxis,
  timeOptions,
  withAlpha,
} from "./charts.js";
import * as format from "./format.js";

/** @typedef {import("../src/views/view.ts").ViewDefinition} ViewDefinition */
/** @typedef {import("../src/views/view.ts").LineChartDefinition} LineChartDefinition */
/** @typedef {import("../src/views/view.ts").TableDefinition} TableDefinition */
/** @typedef {import("../src/views/view.ts").ViewState} ViewState */
/** @typedef {import("../src/views/view.ts").LineChartState} LineChartState */
/** @typedef {import("../src/views/view.ts").TableState} TableState */
/** @typedef {import("../src/views/view.ts").Marker} Marker */
/** @typedef {{t: number[], v: number[], lo: (number | null)[], hi: (number | null)[]}} Points */

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function element(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * A card for `definition` in `container`, showing `state`.
 * @param {ViewDefinition} definition
 * @param {HTMLElement} container
 * @param {ViewState | undefined} state
 * @returns {{ apply(changes: ViewState): void }}
 */
export function createView(definition, container, state) {
  const card = element("section", "card");
  card.dataset.view = definition.id;
  const head = element("div", "card-head");
  head.append(element("h2", "", definition.title));
  card.append(head);
  container.append(card);
  const view =
    definition.kind === "table" ? new TableView(definition, card) : new LineChartView(definition, card, head);
  if (state) view.apply(state);
  return view;
}

/** The first index of `times` at or after `time`. */
/** @param {readonly number[]} times @param {number} time */
function lowerBound(times, time) {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (/** @type {number} */ (times[mid]) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

class LineChartView {
  /** @type {Map<string, Points>} */
  #series = new Map();
  /** @type {Map<number, Marker>} */
  #markers = new Map();
  #definition;
  #body;
  #alerts;
  #skipped;
  /** Overlay: one plot. Grid: a tile and plot per series. */
  /** @type {Map<string, {plot: import("uplot"), tile?: HTMLElement, value?: HTMLElement, band?: HTMLElement, change?: HTMLElement}>} */
  #plots = new Map();
  #shownSeries = "";

  /**
   * @param {LineChartDefinition} definition
   * @param {HTMLElement} card
   * @param {HTMLElement} head
   */
  constructor(definition, card, head) {
    this.#definition = definition;
    const aside = element("div", "aside");
    if (definition.unit) aside.append(element("span", "", definition.unit));
    aside.append(element("span", "", `last ${format.duration(definition.span)}`));
    this.#skipped = element("span", "skipped");
    aside.append(this.#skipped);
    head.append(aside);
    this.#body = element("div", definition.layout === "grid" ? "grid-tiles" : "chart");
    this.#body.dataset.points = "0";
    card.append(this.#body);
    this.#alerts = element("div", "alerts");
    card.append(this.#alerts);
  }

  /** @param {ViewState} changes */
  apply(changes) {
    if (changes.kind !== "line-chart") return;
    for (const [name, delta] of Object.entries(changes.series)) {
      let mine = this.#series.get(name);
      if (!mine) {
        mine = { t: [], v: [], lo: [], hi: [] };
        this.#series.set(name, mine);
      }
      const first = delta.t[0];
      if (first === undefined) continue;
      // Changes replace everything from their first point on.
      const from = lowerBound(mine.t, first);
      for (const key of /** @type {const} */ (["t", "v", "lo", "hi"])) mine[key].length = from;
      mine.t.push(...delta.t);
      mine.v.push(...delta.v);
      mine.lo.push(...(delta.lo ?? delta.t.map(() => null)));
      mine.hi.push(...(delta.hi ?? delta.t.map(() => null)));
      const keepFrom = lowerBound(mine.t, /** @type {number} */ (mine.t.at(-1)) - this.#definition.span);
      if (keepFrom > 0)
        for (const key of /** @type {const} */ (["t", "v", "lo", "hi"])) mine[key].splice(0, keepFrom);
    }
    for (const marker of changes.markers) this.#markers.set(marker.seq, marker);
    this.#skipped.textContent =
      changes.skipped > 0 ? `${format.count(changes.skipped)} records without a time skipped` : "";
    this.#render();
  }

  #render() {
    const names = [...this.#series.keys()];
    const signature = names.join("\u0000");
    if (signature !== this.#shownSeries) {
      this.#shownSeries = signature;
      for (const { plot } of this.#plots.values()) plot.destroy();
      this.#plots.clear();
      this.#body.replaceChildren();
      if (this.#definition.layout === "grid") {
        names.forEach((name, i) => {
          this.#addTile(name, i);
        });
      } else {
        this.#addOverlay(names);
      }
    }
    let points = 0;
    if (this.#definition.layout === "grid") {
      for (const [name, parts] of this.#plots) {
        const s = /** @type {Points} */ (this.#series.get(name));
        points += s.t.length;
        parts.plot.setData([s.t, s.v, s.lo, s.hi]);
        const last = s.v.at(-1);
        if (parts.value)
          parts.value.textContent = `${format.value(last)}${this.#definition.unit ? ` ${this.#definition.unit}` : ""}`;
        if (parts.band) {
          const lo = s.lo.at(-1);
          const hi = s.hi.at(-1);
          parts.band.textContent =
            lo === null || lo === undefined ? "" : `${format.value(lo)} – ${format.value(hi)}`;
        }
        const first = s.v[0];
        if (parts.change && first && last !== undefined) {
          const change = (last - first) / Math.abs(first);
          parts.change.textContent = `${change >= 0 ? "▲" : "▼"} ${Math.abs(change * 100).toFixed(2)}%`;
          parts.change.className = `tile-change ${change >= 0 ? "up" : "down"}`;
        }
      }
    } else {
      const overlay = this.#plots.get("");
      if (overlay) {
        /** @type {import("uplot").AlignedData[]} */
        const tables = names.map((name) => {
          const s = /** @type {Points} */ (this.#series.get(name));
          points += s.t.length;
          return this.#definition.band ? [s.t, s.v, s.lo, s.hi] : [s.t, s.v];
        });
        overlay.plot.setData(tables.length ? uPlot.join(tables) : [[]]);
      }
    }
    this.#body.dataset.points = String(points);
    this.#renderAlerts();
  }

  /** @param {string[]} names */
  #addOverlay(names) {
    /** @type {import("uplot").Series[]} */
    const series = [];
    /** @type {import("uplot").Band[]} */
    const bands = [];
    names.forEach((name, i) => {
      const color = PALETTE[i % PALETTE.length] ?? "#6c8cff";
      const index = series.length + 1;
      // uPlot draws points only while they are sparse: a series of one point still shows.
      series.push({ label: name, stroke: color, width: 2, spanGaps: true });
      if (this.#definition.band) {
        series.push({
          label: `${name} low`,
          stroke: withAlpha(color, 0.35),
          width: 1,
          spanGaps: true,
          points: { show: false },
        });
        series.push({
          label: `${name} high`,
          stroke: withAlpha(color, 0.35),
          width: 1,
          spanGaps: true,
          points: { show: false },
        });
        bands.push({ series: [index + 2, index + 1], fill: withAlpha(color, 0.12) });
      }
    });
    const options = timeOptions({
      height: 280,
      series,
      bands,
      plugins: [markersPlugin(() => [...this.#markers.values()])],
      axes: [timeAxis(), axis({ values: (_u, ticks) => ticks.map((t) => format.value(t)), size: 64 })],
    });
    this.#plots.set("", { plot: responsivePlot(this.#body, options, [[]]) });
  }

  /**
   * @param {string} name
   * @param {number} i
   */
  #addTile(name, i) {
    const color = PALETTE[i % PALETTE.length] ?? "#6c8cff";
    const tile = element("div", "tile");
    tile.dataset.series = name;
    const head = element("div", "tile-head");
    head.append(element("span", "tile-name", name));
    const change = element("span", "tile-change");
    head.append(change);
    const value = element("span", "tile-value", "–");
    head.append(value);
    tile.append(head);
    const band = element("div", "tile-band");
    tile.append(band);
    const chart = element("div", "chart");
    tile.append(chart);
    this.#body.append(tile);
    const options = timeOptions({
      height: 130,
      legend: false,
      series: [
        {
          label: name,
          stroke: color,
          width: 2,
          fill: this.#definition.band ? undefined : fade(color),
        },
        { label: "low", stroke: withAlpha(color, 0.3), width: 1, points: { show: false } },
        { label: "high", stroke: withAlpha(color, 0.3), width: 1, points: { show: false } },
      ],
      bands: this.#definition.band ? [{ series: [3, 2], fill: withAlpha(color, 0.16) }] : [],
      plugins: [
        markersPlugin(() =>
          [...this.#markers.values()].filter((m) => m.series === undefined || m.series === name),
        ),
      ],
      axes: [
        timeAxis({ size: 28 }),
        axis({ values: (_u, ticks) => ticks.map((t) => format.value(t)), size: 56 }),
      ],
    });
    this.#plots.set(name, {
      plot: responsivePlot(chart, options, [[], [], [], []]),
      tile,
      value,
      band,
      change,
    });
  }

  #renderAlerts() {
    const recent = [...this.#markers.values()].slice(-5).reverse();
    this.#alerts.dataset.markers = String(this.#markers.size);
    this.#alerts.replaceChildren(
      ...recent.map((m) => {
        const row = element("div", "alert-row");
        row.append(element("span", "when", new Date(m.t).toISOString().slice(11, 19)));
        row.append(element("span", `badge ${m.severity}`, m.severity));
        if (m.series !== undefined) row.append(element("span", "", m.series));
        row.append(element("span", "label", m.label));
        return row;
      }),
    );
  }
}

class TableView {
  #definition;
  #body;

  /**
   * @param {TableDefinition} definition
   * @param {HTMLElement} card
   */
  constructor(definition, card) {
    this.#definition = definition;
    this.#body = element("div");
    this.#body.append(element("div", "empty", "No rows yet"));
    card.append(this.#body);
  }

  /** @param {ViewState} changes */
  apply(changes) {
    if (changes.kind !== "table") return;
    const rows = changes.rows;
    if (rows.length === 0) {
      this.#body.replaceChildren(element("div", "empty", "No rows yet"));
      return;
    }
    /** @type {string[]} */
    const columns = [...(this.#definition.columns ?? [])];
    if (columns.length === 0)
      for (const row of rows)
        for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
    const sortBy = this.#definition.sortBy;
    const top = Math.max(
      ...rows.map((r) => (sortBy && typeof r[sortBy] === "number" ? Number(r[sortBy]) : 0)),
      1,
    );
    const table = element("table");
    const head = element("tr");
    head.append(element("th", "rank", "#"));
    for (const column of columns) {
      const numeric = typeof rows[0]?.[column] === "number";
      head.append(element("th", numeric ? "num" : "", column));
    }
    table.append(head);
    rows.forEach((row, i) => {
      const tr = element("tr");
      tr.append(element("td", "rank", String(i + 1)));
      for (const column of columns) {
        const cell = row[column];
        if (column === sortBy && typeof cell === "number") {
          const td = element("td", "num bar-cell");
          const bar = element("div", "bar");
          bar.style.width = `${(100 * cell) / top}%`;
          td.append(bar, element("span", "", format.value(cell)));
          tr.append(td);
        } else {
          tr.append(
            element(
              "td",
              typeof cell === "number" ? "num" : "",
              typeof cell === "number" ? format.value(cell) : String(cell ?? ""),
            ),
          );
        }
      }
      table.append(tr);
    });
    this.#body.replaceChildren(table);
    this.#body.dataset.rows = String(rows.length);
  }
}
