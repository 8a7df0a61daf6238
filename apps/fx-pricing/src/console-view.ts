import { clockTime, style } from "@eddy/app-kit";
import { type AggregateFunction, consoleSink, minutes, type Sink, tumbling } from "@eddy/core";
import type { FxBar, FxRow, FxStreams } from "./fx-pricing.ts";
import { SYMBOLS } from "./fx-tick.ts";
import type { PriceMoveAlert } from "./price-move-alerts.ts";

/**
 * What the console shows: presentation, not part of the job's logic. One line per minute with
 * every symbol's closing price (green when the minute closed above its open), every ten minutes
 * the rolling one-hour statistics of the KDA query, and each alert as it fires.
 */

const NAMES = Object.keys(SYMBOLS);
const COLUMN = 12;

/** Prices at a width that fits a column: 4 decimals below 10, 2 below 1000, else 1. */
function price(p: number): string {
  return p.toFixed(p < 10 ? 4 : p < 1_000 ? 2 : 1);
}

/** A minute of the board: each symbol's bar, and its latest row (rolling hour statistics). */
interface BoardMinute {
  readonly bars: Record<string, FxBar>;
  readonly rows: Record<string, FxRow>;
}

type BoardInput = { readonly bar: FxBar } | { readonly row: FxRow };

const boardMinute: AggregateFunction<BoardInput, BoardMinute, BoardMinute> = {
  create: () => ({ bars: {}, rows: {} }),
  add(acc, input) {
    if ("bar" in input) acc.bars[input.bar.symbol] = input.bar;
    else if ((acc.rows[input.row.symbol]?.timestamp ?? -1) <= input.row.timestamp) {
      acc.rows[input.row.symbol] = input.row;
    }
    return acc;
  },
  merge: (a, b) => ({ bars: { ...a.bars, ...b.bars }, rows: { ...a.rows, ...b.rows } }),
  result: (acc) => acc,
};

/** The board's header: the symbols. */
export function boardHeader(): string {
  return style("bold", ` minute ${NAMES.map((n) => n.padStart(COLUMN)).join("")}`);
}

function boardLine(minute: number, board: BoardMinute): string {
  const cells = NAMES.map((name) => {
    const bar = board.bars[name];
    if (!bar) return " ".repeat(COLUMN);
    const up = bar.close >= bar.open;
    const text = `${price(bar.close)} ${up ? "▲" : "▼"}`.padStart(COLUMN);
    return style(up ? "green" : "red", text);
  });
  return ` ${clockTime(minute)}  ${cells.join("")}`;
}

function hourTable(minute: number, board: BoardMinute): string {
  const header = ["symbol", "price", "hour min", "hour max", "hour avg", "previous", "change"];
  const lines = [
    style(
      "bold",
      `\n ${clockTime(minute + minutes(1))}  rolling one-hour statistics, as of each symbol's last tick`,
    ),
  ];
  lines.push(
    style("dim", `        ${header.map((h, i) => (i === 0 ? h.padEnd(8) : h.padStart(11))).join("")}`),
  );
  for (const name of NAMES) {
    const row = board.rows[name];
    if (!row) continue;
    const change = row.change === 0 ? "0" : `${row.change > 0 ? "+" : "−"}${price(Math.abs(row.change))}`;
    const cells = [row.price, row.minPrice, row.maxPrice, row.avgPrice, row.previousPrice].map((p) =>
      price(p).padStart(11),
    );
    lines.push(`        ${name.padEnd(8)}${cells.join("")}${change.padStart(11)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Adds the console board to the job: bars and rows per minute (a one-minute window over both,
 * keyed by one key) printed as one line, and the hour table every ten minutes.
 */
export function addConsoleBoard(streams: FxStreams): void {
  streams.bars
    .map((bar): BoardInput => ({ bar }), { name: "board-bars" })
    .union(streams.rows.map((row): BoardInput => ({ row }), { name: "board-rows" }))
    .keyBy(() => "board")
    .window(tumbling(minutes(1)))
    .aggregate(boardMinute, { name: "console-board" })
    .sink(
      consoleSink({
        name: "board",
        format: (r) =>
          boardLine(r.window.start, r.value) +
          (r.window.end % minutes(10) === 0 && Object.keys(r.value.rows).length === NAMES.length
            ? hourTable(r.window.start, r.value)
            : ""),
      }),
      { name: "board-console" },
    );
}

/** Prints an alert as it fires. */
export function alertConsole(name: string): Sink<PriceMoveAlert> {
  return consoleSink({
    name,
    format: (a) => {
      const arrow = a.direction === "up" ? "▲" : "▼";
      const pct = `${a.change > 0 ? "+" : "−"}${Math.abs(a.change * 100).toFixed(2)}%`;
      const seconds = Math.round((a.time - a.fromTime) / 1000);
      return style(
        ["bold", "yellow"],
        ` ⚠ ${clockTime(a.time, true)}  ${a.symbol} ${arrow} ${pct} in ${seconds} s: ${price(a.from)} → ${price(a.to)}`,
      );
    },
  });
}
