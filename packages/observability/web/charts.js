// uPlot in the page's dark theme: charts that follow their container's width, time axes in
// milliseconds, gradient fills, and markers drawn over the plot.
import * as format from "./format.js";

/** @typedef {import("uplot").Options} Options */
/** @typedef {import("uplot").AlignedData} AlignedData */
/** @typedef {import("uplot").Axis} Axis */
/** @typedef {import("../src/views/view.ts").Marker} Marker */

/** Series colors, in the order series appear. */
export const PALETTE = [
  "#6c8cff",
  "#34d399",
  "#fbbf24",
  "#fb7185",
  "#22d3ee",
  "#a78bfa",
  "#f472b6",
  "#2dd4bf",
  "#facc15",
  "#60a5fa",
];

const SEVERITY = { info: "#34d399", warning: "#fbbf24", critical: "#fb7185" };

/**
 * An axis in the theme.
 * @param {Partial<Axis>} [options]
 * @returns {Axis}
 */
export function axis(options = {}) {
  return {
    stroke: "#8a97ad",
    grid: { stroke: "#1b2435", width: 1 },
    ticks: { stroke: "#222c40", width: 1, size: 4 },
    font: "11px ui-sans-serif, system-ui, sans-serif",
    ...options,
  };
}

/** @param {number} time epoch ms @returns {string} UTC time of day, as event times are shown */
function clock(time) {
  return new Date(time).toISOString().slice(11, 19);
}

/**
 * An x axis of times (epoch ms), labelled with the UTC time of day.
 * @param {Partial<Axis>} [options]
 */
export function timeAxis(options = {}) {
  return axis({
    // As precise as the spacing of the ticks needs: minutes, seconds or milliseconds.
    values: (_u, ticks, _axis, _space, increment) =>
      ticks.map((t) => {
        const iso = new Date(t).toISOString();
        return increment >= 60_000
          ? iso.slice(11, 16)
          : increment >= 1_000
            ? iso.slice(11, 19)
            : iso.slice(14, 23);
      }),
    ...options,
  });
}

/**
 * A vertical gradient from `color` to transparent, for areas under lines.
 * @param {string} color a #rrggbb color
 * @param {number} [strength] opacity at the top
 * @returns {(u: import("uplot")) => CanvasGradient | string}
 */
export function fade(color, strength = 0.28) {
  return (u) => {
    const { top, height } = u.bbox;
    if (!(height > 0)) return color;
    const gradient = u.ctx.createLinearGradient(0, top, 0, top + height);
    gradient.addColorStop(0, withAlpha(color, strength));
    gradient.addColorStop(1, withAlpha(color, 0));
    return gradient;
  };
}

/**
 * @param {string} color #rrggbb
 * @param {number} alpha 0..1
 */
export function withAlpha(color, alpha) {
  const a = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, "0");
  return `${color}${a}`;
}

/**
 * A uPlot that keeps the width of `container`.
 * @param {HTMLElement} container
 * @param {Omit<Options, "width">} options
 * @param {AlignedData} data
 */
export function responsivePlot(container, options, data) {
  const plot = new uPlot({ ...options, width: Math.max(200, container.clientWidth) }, data, container);
  let width = container.clientWidth;
  new ResizeObserver(() => {
    if (container.clientWidth === width || container.clientWidth === 0) return;
    width = container.clientWidth;
    plot.setSize({ width, height: options.height });
  }).observe(container);
  return plot;
}

/**
 * Options of a chart over time (x in epoch ms).
 * @param {{height: number, series: import("uplot").Series[], axes?: Axis[], scales?: Options["scales"], plugins?: Options["plugins"], bands?: Options["bands"], legend?: boolean}} spec
 * @returns {Omit<Options, "width">}
 */
export function timeOptions(spec) {
  return {
    height: spec.height,
    ms: 1,
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    legend: { show: spec.legend ?? true, live: true },
    scales: { x: { time: true }, ...spec.scales },
    series: [{ label: "time", value: (_u, v) => (v === null ? "–" : clock(v)) }, ...spec.series],
    axes: spec.axes ?? [timeAxis(), axis({ values: (_u, ticks) => ticks.map((t) => format.count(t)) })],
    plugins: spec.plugins ?? [],
    bands: spec.bands ?? [],
  };
}

/**
 * Draws vertical lines at the markers' times over a time chart, colored by severity, with a
 * short label at the top.
 * @param {() => readonly Marker[]} markers
 * @returns {import("uplot").Plugin}
 */
export function markersPlugin(markers) {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          const ratio = window.devicePixelRatio || 1;
          ctx.save();
          ctx.beginPath();
          ctx.rect(left, top, width, height);
          ctx.clip();
          // Labels of markers close to each other are stacked, not drawn over one another.
          let lastX = Number.NEGATIVE_INFINITY;
          let stack = 0;
          for (const marker of markers()) {
            const x = u.valToPos(marker.t, "x", true);
            if (x < left || x > left + width) continue;
            stack = x - lastX < 160 * ratio ? stack + 1 : 0;
            lastX = x;
            const color = SEVERITY[marker.severity];
            ctx.strokeStyle = color;
            ctx.lineWidth = 1.5 * ratio;
            ctx.setLineDash([4 * ratio, 4 * ratio]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.setLineDash([]);
            ctx.fillStyle = color;
            ctx.beginPath();
            ctx.moveTo(x - 5 * ratio, top);
            ctx.lineTo(x + 5 * ratio, top);
            ctx.lineTo(x, top + 7 * ratio);
            ctx.fill();
            ctx.font = `${11 * ratio}px ui-sans-serif, system-ui, sans-serif`;
            const text = marker.label.slice(0, 40);
            const labelX = Math.min(x + 6 * ratio, left + width - ctx.measureText(text).width - 4 * ratio);
            ctx.fillText(text, labelX, top + (12 + 14 * stack) * ratio);
          }
          ctx.restore();
        },
      ],
    },
  };
}
