// The job graph as SVG: nodes in columns by their distance from the sources, edges as curves with
// the rate along them, updated in place at every sample.
import * as format from "./format.js";

/** @typedef {import("@eddy/core").JobDescription} JobDescription */
/** @typedef {import("@eddy/core").NodeDescription} NodeDescription */
/** @typedef {import("../src/sample-json.ts").JobSampleJson} Sample */
/** @typedef {Sample["nodes"][number]} NodeSample */

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 236;
const GAP_X = 84;
const GAP_Y = 22;
const PAD = 16;
/** @type {Record<NodeDescription["kind"], number>} */
const HEIGHT = { source: 114, operator: 108, sink: 114, union: 56, "side-output": 56 };

/**
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string | number>} [attributes]
 * @param {Element} [parent]
 * @returns {SVGElementTagNameMap[K]}
 */
function svg(tag, attributes = {}, parent) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  parent?.appendChild(element);
  return element;
}

/**
 * Columns from the sources: a node's column is one more than its furthest input's.
 * @param {JobDescription} graph
 */
function layout(graph) {
  /** @type {Map<string, string[]>} */
  const inputs = new Map();
  for (const e of graph.edges) inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
  /** @type {Map<string, number>} */
  const column = new Map();
  /** @param {string} id @returns {number} */
  const columnOf = (id) => {
    const known = column.get(id);
    if (known !== undefined) return known;
    const from = inputs.get(id) ?? [];
    const c = from.length === 0 ? 0 : 1 + Math.max(...from.map(columnOf));
    column.set(id, c);
    return c;
  };
  /** @type {NodeDescription[][]} */
  const columns = [];
  for (const node of graph.nodes) {
    const c = columnOf(node.id);
    columns[c] = [...(columns[c] ?? []), node];
  }
  // Order each column by where its inputs sit, so edges cross less.
  /** @type {Map<string, number>} */
  const rank = new Map();
  for (const col of columns) {
    const ordered = col
      .map((n, i) => {
        const from = (inputs.get(n.id) ?? []).map((id) => rank.get(id) ?? 0);
        return { n, key: from.length ? from.reduce((a, b) => a + b, 0) / from.length : i };
      })
      .sort((a, b) => a.key - b.key)
      .map((x) => x.n);
    col.splice(0, col.length, ...ordered);
    col.forEach((n, i) => {
      rank.set(n.id, i);
    });
  }
  const heights = columns.map(
    (col) => col.reduce((h, n) => h + HEIGHT[n.kind], 0) + GAP_Y * (col.length - 1),
  );
  const tallest = Math.max(...heights);
  /** @type {Map<string, {x: number, y: number, h: number}>} */
  const boxes = new Map();
  columns.forEach((col, c) => {
    let y = PAD + (tallest - (heights[c] ?? 0)) / 2;
    for (const node of col) {
      boxes.set(node.id, { x: PAD + c * (WIDTH + GAP_X), y, h: HEIGHT[node.kind] });
      y += HEIGHT[node.kind] + GAP_Y;
    }
  });
  return {
    boxes,
    width: PAD * 2 + columns.length * WIDTH + (columns.length - 1) * GAP_X,
    height: tallest + PAD * 2,
  };
}

/**
 * Cuts `element`'s text with an ellipsis until it fits `width` pixels.
 * @param {SVGTextElement} element
 * @param {string} text
 * @param {number} width
 */
function fitText(element, text, width) {
  element.textContent = text;
  if (element.getComputedTextLength() <= width) return;
  let n = text.length;
  while (n > 1 && element.getComputedTextLength() > width) element.textContent = `${text.slice(0, --n)}…`;
}

/** The graph view: build once per job graph, then `update` with every sample. */
export class GraphView {
  /** @type {Map<string, {group: SVGGElement, tooltip: SVGTitleElement, lines: SVGTextElement[], meter?: SVGRectElement, kind: string}>} */
  #nodes = new Map();
  /** @type {{path: SVGPathElement, flow: SVGPathElement, label: SVGGElement, text: SVGTextElement, box: SVGRectElement}[]} */
  #edges = [];

  /**
   * @param {HTMLElement} container
   * @param {JobDescription} graph
   */
  constructor(container, graph) {
    container.replaceChildren();
    const { boxes, width, height } = layout(graph);
    // Scaled down to the card's width when wider, but not below 80% (the card scrolls instead,
    // so labels stay readable); never scaled up.
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img" }, container);
    root.style.maxWidth = `${width}px`;
    root.style.minWidth = `${Math.round(width * 0.8)}px`;
    root.setAttribute("aria-label", `job graph of ${graph.job}`);
    const edgeLayer = svg("g", {}, root);
    const nodeLayer = svg("g", {}, root);
    const labelLayer = svg("g", {}, root);

    // Several edges leaving or entering one side of a node are spread along it.
    /** @param {string} id @param {"from" | "to"} end */
    const siblings = (id, end) => graph.edges.filter((e) => e[end] === id);
    for (const edge of graph.edges) {
      const a = boxes.get(edge.from);
      const b = boxes.get(edge.to);
      if (!a || !b) continue;
      const outs = siblings(edge.from, "from");
      const ins = siblings(edge.to, "to");
      const y1 = a.y + a.h / 2 + (outs.indexOf(edge) - (outs.length - 1) / 2) * 14;
      const y2 = b.y + b.h / 2 + (ins.indexOf(edge) - (ins.length - 1) / 2) * 14;
      const x1 = a.x + WIDTH;
      const x2 = b.x;
      const dx = Math.max(40, (x2 - x1) / 2);
      const d = `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
      const group = svg("g", { class: `edge${edge.tag ? " side" : ""}` }, edgeLayer);
      const path = svg("path", { class: "edge-base", d, "stroke-width": 2 }, group);
      const flow = svg("path", { class: "edge-flow", d, "stroke-width": 2.5 }, group);
      // The curve's midpoint: (P0 + 3·P1 + 3·P2 + P3) / 8.
      const mx = (x1 + 3 * (x1 + dx) + 3 * (x2 - dx) + x2) / 8;
      const my = (y1 + 3 * y1 + 3 * y2 + y2) / 8;
      const label = svg("g", { class: "edge-label", transform: `translate(${mx},${my})` }, labelLayer);
      const box = svg("rect", { rx: 8, height: 20, y: -10 }, label);
      const text = svg(
        "text",
        { "text-anchor": "middle", y: 4, "data-edge-rate": `${edge.from}->${edge.to}` },
        label,
      );
      text.textContent = "–";
      if (edge.tag) {
        const tag = svg("text", { class: "tag", "text-anchor": "middle", y: -14 }, label);
        tag.textContent = edge.tag;
      }
      this.#edges.push({ path, flow, label, text, box });
    }

    for (const node of graph.nodes) {
      const box = boxes.get(node.id);
      if (!box) continue;
      const group = svg(
        "g",
        { class: `node kind-${node.kind}`, transform: `translate(${box.x},${box.y})`, "data-node": node.id },
        nodeLayer,
      );
      const tooltip = svg("title", {}, group);
      tooltip.textContent = `${node.id}\n${node.label}`;
      svg("rect", { class: "node-box", width: WIDTH, height: box.h, rx: 10 }, group);
      svg("rect", { class: "node-accent", width: 4, height: box.h - 16, x: 0, y: 8, rx: 2 }, group);
      // A node named by the user shows its name first; an automatic id (label#n) shows its label.
      const named = !node.id.startsWith(`${node.label}#`);
      const routing = node.kind === "union" || node.kind === "side-output";
      const kind = svg("text", { class: "node-kind", x: 16, y: 19 }, group);
      fitText(kind, named ? `${node.kind} · ${node.label}` : node.kind, WIDTH - 28);
      const title = svg("text", { class: "node-title", x: 16, y: 38 }, group);
      fitText(title, named ? node.id : node.label, WIDTH - 28);
      /** @type {SVGTextElement[]} */
      const lines = [];
      for (let i = 0; i < (routing ? 0 : 3); i++)
        lines.push(svg("text", { class: "node-line", x: 16, y: 60 + i * 18, "data-line": i }, group));
      /** @type {SVGRectElement | undefined} */
      let meter;
      if (node.kind === "source" || node.kind === "sink") {
        svg("rect", { class: "meter-bg", x: 16, y: box.h - 12, width: WIDTH - 32, height: 4, rx: 2 }, group);
        meter = svg("rect", { class: "meter", x: 16, y: box.h - 12, width: 0, height: 4, rx: 2 }, group);
      }
      this.#nodes.set(node.id, { group, tooltip, lines, meter, kind: node.kind });
    }
  }

  /** @param {Sample} sample */
  update(sample) {
    for (const node of sample.nodes) {
      const view = this.#nodes.get(node.id);
      if (!view) continue;
      const [first, second, third] = view.lines;
      const lag = node.watermarkLagMs === undefined ? "" : ` · lag ${format.duration(node.watermarkLagMs)}`;
      const watermark =
        node.watermark === undefined
          ? "no watermark yet"
          : `wm ${format.eventTime(node.watermark, sample.time)}${lag}`;
      const late = node.lateRecordsSideOutput + node.lateRecordsDropped;
      if (node.kind === "source" && first && second && third) {
        set(first, `out ${format.rate(node.rates.out)} · ${format.count(node.recordsOut)} records`);
        const splits = node.splits ?? [];
        const behind = Math.max(0, ...splits.map((s) => s.millisBehindLatest ?? 0));
        const idle = splits.filter((s) => s.status === "idle").length;
        set(
          second,
          `${splits.length} split${splits.length === 1 ? "" : "s"}${idle ? ` (${idle} idle)` : ""} · behind ${format.duration(behind)}`,
        );
        set(third, `backpressure ${format.percent(node.rates.backPressure)}`);
        meterTo(view.meter, node.rates.backPressure);
        // Every split's position and lag, on hover.
        const detail = splits.map(
          (s) =>
            `${s.split}: ${s.status}, behind ${format.duration(s.millisBehindLatest)}, at ${JSON.stringify(s.position)}`,
        );
        view.tooltip.textContent = [`${node.id}`, node.label, ...detail].join("\n");
      } else if (node.kind === "sink" && first && second && third) {
        set(first, `in ${format.rate(node.rates.in)} · ${format.count(node.recordsIn)} records`);
        set(second, watermark);
        set(third, `busy ${format.percent(node.rates.busy)}`);
        meterTo(view.meter, node.rates.busy);
      } else if (node.kind === "operator" && first && second && third) {
        set(first, `in ${format.rate(node.rates.in)} → out ${format.rate(node.rates.out)}`);
        set(second, watermark);
        const problems = late + node.failedRecords;
        set(
          third,
          problems === 0
            ? `${format.count(node.recordsIn)} in · ${format.count(node.recordsOut)} out`
            : `late ${format.count(node.lateRecordsSideOutput)} · dropped ${format.count(node.lateRecordsDropped)} · failed ${format.count(node.failedRecords)}`,
        );
        third.classList.toggle("alert", node.lateRecordsDropped + node.failedRecords > 0);
      }
    }
    sample.edges.forEach((edge, i) => {
      const view = this.#edges[i];
      if (!view) return;
      view.text.textContent = format.rate(edge.rate);
      const width = view.text.getComputedTextLength() + 16;
      view.box.setAttribute("width", String(width));
      view.box.setAttribute("x", String(-width / 2));
      // Thicker edges carry more: 2 px idle, up to 7 px at millions per second.
      const stroke = 2 + Math.min(5, Math.log10(edge.rate + 1) * 0.8);
      view.path.setAttribute("stroke-width", String(stroke));
      view.flow.setAttribute("stroke-width", String(stroke));
      view.path.parentElement?.classList.toggle("flowing", edge.rate > 0);
    });
  }
}

/**
 * @param {SVGTextElement} element
 * @param {string} text
 */
function set(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * @param {SVGRectElement | undefined} meter
 * @param {number} share 0..1
 */
function meterTo(meter, share) {
  if (!meter) return;
  meter.setAttribute("width", String(Math.max(0, (WIDTH - 32) * share)));
  meter.classList.toggle("warn", share >= 0.3 && share < 0.7);
  meter.classList.toggle("bad", share >= 0.7);
}
