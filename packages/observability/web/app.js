// The dashboard page: listens to the job's server-sent events and keeps every panel current.

import { axis, fade, responsivePlot, timeAxis, timeOptions } from "./charts.js";
import { CheckpointPanel } from "./checkpoints.js";
import * as format from "./format.js";
import { GraphView } from "./graph.js";
import { createView } from "./views.js";

/** @typedef {import("../src/dashboard/dashboard.ts").DashboardInit} Init */
/** @typedef {import("../src/dashboard/dashboard.ts").DashboardUpdate} Update */
/** @typedef {import("../src/dashboard/dashboard.ts").HistoryPoint} HistoryPoint */
/** @typedef {import("../src/sample-json.ts").JobSampleJson} Sample */

/** @param {string} id */
function byId(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e;
}

/** @param {string} key */
function kpi(key) {
  const e = document.querySelector(`[data-kpi="${key}"]`);
  if (!(e instanceof HTMLElement)) throw new Error(`the page has no KPI ${key}`);
  return e;
}

/**
 * The stages of a job with repartitions (`job.describe().stages`): each worker runs every stage,
 * and records go from stage 0 to each later stage through that stage's repartition stream. Hidden
 * for a job of one stage.
 * @param {HTMLElement} element
 * @param {readonly import("@eddy/core").StageDescription[]} stages
 */
function showStages(element, stages) {
  element.hidden = stages.length === 0;
  if (stages.length === 0) return;
  const cell = (/** @type {string} */ tag, /** @type {string} */ text) => {
    const e = document.createElement(tag);
    e.textContent = text;
    return e;
  };
  const table = document.createElement("table");
  const head = document.createElement("tr");
  for (const title of ["stage", "runs as", "operators", "repartition streams"])
    head.append(cell("th", title));
  table.append(head);
  for (const stage of stages) {
    const row = document.createElement("tr");
    row.dataset.stage = String(stage.stage);
    row.append(
      cell("td", String(stage.stage)),
      cell("td", stage.name),
      cell("td", stage.nodes.map((node) => node.id).join(" → ")),
      cell("td", `${stage.stage === 0 ? "writes" : "reads"} ${stage.streams.join(", ")}`),
    );
    table.append(row);
  }
  element.replaceChildren(cell("h3", "Stages"), table);
}

/** History kept by the page, as by the server: five minutes at one sample a second. */
const HISTORY = 300;

class Page {
  /** @type {GraphView | undefined} */
  graph;
  /** @type {CheckpointPanel | undefined} */
  checkpoints;
  /** @type {Map<string, {apply(changes: import("../src/views/view.ts").ViewState): void}>} */
  views = new Map();
  /** @type {HistoryPoint[]} */
  history = [];
  /** @type {import("uplot") | undefined} */
  throughput;
  /** @type {import("uplot") | undefined} */
  lag;
  updates = 0;

  /** @param {Init} init */
  start(init) {
    document.title = `${init.graph.job} · eddy`;
    byId("job-name").textContent = init.graph.job;
    this.graph = new GraphView(byId("graph"), init.graph);
    showStages(byId("stages"), init.graph.stages ?? []);
    this.checkpoints = new CheckpointPanel({
      kpis: byId("checkpoint-kpis"),
      chart: byId("checkpoint-chart"),
      table: byId("checkpoint-table"),
      hint: byId("checkpoint-hint"),
    });
    const views = byId("views");
    views.replaceChildren();
    this.views.clear();
    for (const definition of init.views) {
      this.views.set(definition.id, createView(definition, views, init.viewStates[definition.id]));
    }
    this.history = [...init.history];
    this.#buildHistoryCharts();
    this.#show(init.sample);
  }

  /** @param {Update} update */
  update(update) {
    this.history.push(update.history);
    if (this.history.length > HISTORY) this.history.shift();
    for (const [id, changes] of Object.entries(update.views)) this.views.get(id)?.apply(changes);
    this.#show(update.sample);
  }

  /** @param {Sample} sample */
  #show(sample) {
    this.updates++;
    document.body.dataset.updates = String(this.updates);
    const status = byId("status");
    status.textContent = sample.status;
    status.className = `status ${sample.status}`;
    const t = sample.totals;
    kpi("in-rate").textContent = format.rate(t.recordsInPerSecond);
    kpi("out-rate").textContent = format.rate(t.recordsOutPerSecond);
    const lag = kpi("lag");
    lag.textContent = t.watermark === "end" ? "end of input" : format.duration(t.watermarkLagMs);
    lag.classList.toggle("warn", (t.watermarkLagMs ?? 0) > 60_000);
    const age = sample.checkpoints.lastAgeMs;
    kpi("checkpoint-age").textContent = age === undefined ? "–" : `${format.duration(age)} ago`;
    kpi("checkpoint-age").classList.toggle("bad", sample.checkpoints.failed > 0);
    const uptime =
      sample.startedAt === undefined ? undefined : (sample.endedAt ?? sample.time) - sample.startedAt;
    kpi("uptime").textContent = format.duration(uptime);
    this.graph?.update(sample);
    this.checkpoints?.update(sample);
    this.#drawHistory();
  }

  #buildHistoryCharts() {
    this.throughput?.destroy();
    this.lag?.destroy();
    const throughput = byId("throughput");
    const lag = byId("lag");
    throughput.replaceChildren();
    lag.replaceChildren();
    this.throughput = responsivePlot(
      throughput,
      timeOptions({
        height: 220,
        series: [
          {
            label: "in",
            stroke: "#22d3ee",
            width: 2,
            points: { show: false },
            fill: fade("#22d3ee"),
            value: (_u, v) => format.rate(v),
          },
          {
            label: "out",
            stroke: "#fbbf24",
            width: 2,
            points: { show: false },
            fill: fade("#fbbf24", 0.18),
            value: (_u, v) => format.rate(v),
          },
        ],
      }),
      [[]],
    );
    this.lag = responsivePlot(
      lag,
      timeOptions({
        height: 220,
        scales: { lag: { auto: true }, share: { range: [0, 100] } },
        series: [
          {
            label: "watermark lag",
            scale: "lag",
            stroke: "#a78bfa",
            width: 2,
            points: { show: false },
            fill: fade("#a78bfa"),
            value: (_u, v) => format.duration(v),
          },
          {
            label: "backpressure",
            scale: "share",
            stroke: "#fb7185",
            width: 1.5,
            points: { show: false },
            value: (_u, v) => (v === null ? "–" : `${Math.round(v)}%`),
          },
        ],
        axes: [
          timeAxis(),
          axis({ scale: "lag", values: (_u, ticks) => ticks.map((v) => format.duration(v)), size: 64 }),
          axis({
            scale: "share",
            side: 1,
            grid: { show: false },
            values: (_u, ticks) => ticks.map((v) => `${v}%`),
          }),
        ],
      }),
      [[]],
    );
  }

  #drawHistory() {
    const h = this.history;
    const times = h.map((p) => p.time);
    this.throughput?.setData([
      times,
      h.map((p) => p.recordsInPerSecond),
      h.map((p) => p.recordsOutPerSecond),
    ]);
    this.lag?.setData([times, h.map((p) => p.watermarkLagMs ?? null), h.map((p) => p.backPressure * 100)]);
    byId("throughput").dataset.points = String(h.length);
  }
}

const page = new Page();
const events = new EventSource("/events");
events.addEventListener("init", (event) => {
  page.start(JSON.parse(/** @type {MessageEvent<string>} */ (event).data));
  byId("footer").textContent = "live · server-sent events";
});
events.addEventListener("sample", (event) => {
  page.update(JSON.parse(/** @type {MessageEvent<string>} */ (event).data));
});
events.addEventListener("error", () => {
  const status = byId("status");
  status.textContent = "disconnected";
  status.className = "status disconnected";
  byId("footer").textContent = "connection lost · retrying";
});
