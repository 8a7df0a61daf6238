/** Short human forms of figures, for progress lines. */

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** 1234 → "1.2K", 12 → "12". */
export function formatCount(n: number): string {
  return compact.format(n);
}

/** Records per second: "12.3K/s". */
export function formatRate(perSecond: number): string {
  return `${compact.format(perSecond < 10 ? Math.round(perSecond * 10) / 10 : Math.round(perSecond))}/s`;
}

/** 850 → "850 ms", 5100 → "5.1 s", 65000 → "1m 05s", 4000000 → "1h 06m". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? "-" : "";
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 60)
    return `${sign}${minutes}m ${String(Math.floor((abs % 60_000) / 1_000)).padStart(2, "0")}s`;
  return `${sign}${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** 1536 → "1.5 KB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** An event time as UTC time of day ("12:00:05.000Z"), with the date when it is not within a day of `now`. */
export function formatEventTime(time: number, now: number): string {
  const iso = new Date(time).toISOString();
  return Math.abs(now - time) < 86_400_000 ? iso.slice(11) : iso;
}
