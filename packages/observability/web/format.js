// Short human forms of figures, shared by the progress line (Node) and the dashboard page (the
// browser loads this very file), so both say the same thing the same way.

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en", { maximumFractionDigits: 4 });

/** @param {number | null | undefined} n */
export function count(n) {
  return n === null || n === undefined ? "–" : compact.format(n);
}

/** @param {number | null | undefined} n */
export function value(n) {
  return n === null || n === undefined ? "–" : plain.format(n);
}

/** @param {number | null | undefined} perSecond */
export function rate(perSecond) {
  if (perSecond === null || perSecond === undefined) return "–";
  return `${compact.format(perSecond < 10 ? Math.round(perSecond * 10) / 10 : Math.round(perSecond))}/s`;
}

/** @param {number | null | undefined} ms */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  const abs = Math.abs(ms);
  const sign = ms < 0 ? "-" : "";
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 60)
    return `${sign}${minutes}m ${String(Math.floor((abs % 60_000) / 1_000)).padStart(2, "0")}s`;
  return `${sign}${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** @param {number | null | undefined} n */
export function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = n;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${unit === 0 ? v : v.toFixed(1)} ${units[unit]}`;
}

/** @param {number} share 0..1 */
export function percent(share) {
  return `${Math.round(share * 100)}%`;
}

/**
 * An event time in UTC: the time of day ("12:00:05.000Z"), with the date when it is more than a
 * day away from `now`; "end of input" for the final watermark; "–" for none.
 * @param {number | "end" | null | undefined} time
 * @param {number} now
 */
export function eventTime(time, now) {
  if (time === "end") return "end of input";
  if (time === null || time === undefined) return "–";
  const iso = new Date(time).toISOString();
  return Math.abs(now - time) < 86_400_000 ? iso.slice(11) : iso;
}
