// Checkpoints: headline figures, durations as bars (failed ones in red), and the recent history.

import { axis, responsivePlot, withAlpha } from "./charts.js";
import * as format from "./format.js";

/** @typedef {import("../src/sample-json.ts").JobSampleJson} Sample */
/** @typedef {import("@eddy/core").CheckpointRecord} CheckpointRecord */

const ROWS = 8;

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

export class CheckpointPanel {
  /** @type {Record<string, HTMLElement>} */
  #kpis = {};
  /** @type {import("uplot") | undefined} */
  #plot;
  #chart;
  #table;
  #hint;
  #shown = "";

  /**
   * @param {{kpis: HTMLElement, chart: HTMLElement, table: HTMLElement, hint: HTMLElement}} parts
   */
  constructor(parts) {
    this.#chart = parts.chart;
    this.#table = parts.table;
    this.#hint = parts.hint;
    parts.kpis.replaceChildren();
    parts.chart.replaceChildren();
    for (const [key, label] of /** @type {const} */ ([
      ["checkpoints-completed", "Completed"],
      ["checkpoints-failed", "Failed"],
      ["checkpoint-duration", "Last duration"],
      ["checkpoint-size", "Last size"],
      ["checkpoint-key-groups", "Key groups written"],
      ["checkpoint-age", "Age"],
    ])) {
      const kpi = element("div", "kpi");
      kpi.append(element("span", "kpi-label", label));
      const value = element("span", "kpi-value", "–");
      value.dataset.kpi = key;
      kpi.append(value);
      parts.kpis.append(kpi);
      this.#kpis[key] = value;
    }
  }

  /** @param {Sample} sample */
  update(sample) {
    const c = sample.checkpoints;
    this.#set("checkpoints-completed", format.count(c.completed));
    this.#set(
      "checkpoints-failed",
      c.failedAttempts > 0 ? `${c.failed} (${c.failedAttempts} retries)` : String(c.failed),
    );
    this.#kpis["checkpoints-failed"]?.classList.toggle("bad", c.failed > 0);
    this.#kpis["checkpoints-failed"]?.classList.toggle("warn", c.failed === 0 && c.failedAttempts > 0);
    this.#set("checkpoint-duration", format.duration(c.lastDurationMs));
    this.#set("checkpoint-size", c.lastDurationMs === undefined ? "–" : format.bytes(c.lastBytesWritten));
    this.#set("checkpoint-key-groups", c.lastDurationMs === undefined ? "–" : String(c.lastKeyGroupsWritten));
    this.#set("checkpoint-age", c.lastAgeMs === undefined ? "–" : `${format.duration(c.lastAgeMs)} ago`);
    this.#hint.textContent = c.history.length ? `the last ${c.history.length}` : "";

    const last = c.history.at(-1);
    const key = `${c.history.length}:${last?.checkpointId}:${last?.status}:${Math.floor(sample.time / 1000)}`;
    if (key === this.#shown) return;
    this.#shown = key;
    this.#drawChart(c.history);
    this.#drawTable(c.history, sample.time);
  }

  /**
   * @param {string} key
   * @param {string} text
   */
  #set(key, text) {
    const e = this.#kpis[key];
    if (e && e.textContent !== text) e.textContent = text;
  }

  /** @param {readonly CheckpointRecord[]} history */
  #drawChart(history) {
    /** @type {import("uplot").AlignedData} */
    const data = [
      history.map((h) => h.checkpointId),
      history.map((h) => (h.status === "completed" ? h.durationMs : null)),
      history.map((h) => (h.status === "failed" ? h.durationMs : null)),
    ];
    if (this.#plot) {
      this.#plot.setData(data);
      return;
    }
    const bars = uPlot.paths.bars?.({ size: [0.7, 28], gap: 2 });
    /** @type {(label: string, color: string) => import("uplot").Series} */
    const durations = (label, color) => ({
      label,
      stroke: color,
      fill: withAlpha(color, 0.66),
      paths: bars,
      points: { show: false },
      value: (_u, v) => format.duration(v),
    });
    this.#plot = responsivePlot(
      this.#chart,
      {
        height: 220,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        series: [
          { label: "checkpoint", value: (_u, v) => (v === null ? "–" : `#${v}`) },
          durations("completed", "#6c8cff"),
          durations("failed", "#fb7185"),
        ],
        axes: [
          axis({ values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? `#${t}` : "")) }),
          axis({ values: (_u, ticks) => ticks.map((t) => format.duration(t)), size: 64 }),
        ],
      },
      data,
    );
  }

  /**
   * @param {readonly CheckpointRecord[]} history
   * @param {number} now
   */
  #drawTable(history, now) {
    if (history.length === 0) {
      this.#table.replaceChildren(element("div", "empty", "No checkpoint yet"));
      return;
    }
    const table = element("table");
    const head = element("tr");
    for (const [label, numeric] of /** @type {const} */ ([
      ["#", false],
      ["kind", false],
      ["status", false],
      ["duration", true],
      ["size", true],
      ["key groups", true],
      ["retries", true],
      ["completed", true],
    ])) {
      head.append(element("th", numeric ? "num" : "", label));
    }
    table.append(head);
    for (const h of history.slice(-ROWS).reverse()) {
      const row = element("tr");
      row.append(element("td", "", `#${h.checkpointId}`));
      const kind = element("td");
      kind.append(element("span", `badge ${h.kind}`, h.kind));
      row.append(kind);
      const status = element("td");
      const badge = element("span", `badge ${h.status}`, h.status);
      if (h.error) badge.title = h.error;
      status.append(badge);
      row.append(status);
      row.append(element("td", "num", format.duration(h.durationMs)));
      row.append(element("td", "num", h.status === "completed" ? format.bytes(h.bytesWritten) : "–"));
      row.append(element("td", "num", h.status === "completed" ? String(h.keyGroupsWritten) : "–"));
      row.append(element("td", "num", String(h.failedAttempts)));
      row.append(element("td", "num", `${format.duration(now - h.endedAt)} ago`));
      table.append(row);
    }
    this.#table.replaceChildren(table);
  }
}
