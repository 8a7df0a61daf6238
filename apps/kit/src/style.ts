import { styleText } from "node:util";

type Format = Parameters<typeof styleText>[0];

const colors = process.stdout.isTTY === true && !process.env.NO_COLOR;

/** `text` in `format` (`"red"`, `["bold", "green"]`…) on a colour terminal; plain otherwise or with NO_COLOR. */
export function style(format: Format, text: string): string {
  return colors ? styleText(format, text) : text;
}

/** `12,345`. */
export function thousands(n: number): string {
  return n.toLocaleString("en-US");
}

/** `09:41` or `09:41:07` (UTC) of an epoch-ms time. */
export function clockTime(time: number, seconds = false): string {
  return new Date(time).toISOString().slice(11, seconds ? 19 : 16);
}

/** `2026-11-21 09:41:07` (UTC). */
export function dateTime(time: number): string {
  return new Date(time).toISOString().slice(0, 19).replace("T", " ");
}

/** `4m05s`, `1h02m`, `12s`. */
export function shortDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
