/**
 * The expected output of the FX pricing job, computed plainly from a finite list of ticks, without
 * Eddy: what a SQL engine would return for the Kinesis Data Analytics query (in event-time order),
 * what a spreadsheet would say the one-minute bars are, and the alert rule as its TSDoc states it.
 * Written apart from the job, sharing none of its code, so the two check each other.
 */
import type { FxBar, FxRow } from "../fx-pricing.ts";
import type { FxTick } from "../fx-tick.ts";
import type { PriceMoveAlert } from "../price-move-alerts.ts";

const HOUR_SECONDS = 3_600;

/** Each symbol's ticks in event-time order; ties keep their arrival order. */
function bySymbolInEventTime(ticks: readonly FxTick[]): Map<string, FxTick[]> {
  const groups = new Map<string, FxTick[]>();
  for (const tick of ticks) {
    const group = groups.get(tick.symbol) ?? [];
    group.push(tick);
    groups.set(tick.symbol, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.timestamp - b.timestamp);
  return groups;
}

/**
 * `MIN/MAX/AVG("price") OVER (PARTITION BY "symbol" RANGE INTERVAL '1' HOUR PRECEDING)` and
 * `FIRST_VALUE("price") OVER (PARTITION BY "symbol" ROWS 1 PRECEDING)`, the rows in event-time
 * order: the frame of a tick is the symbol's ticks before it (in that order) whose timestamp is at
 * most an hour earlier, and the tick itself. Rows per symbol, in order.
 */
export function expectedRows(ticks: readonly FxTick[]): Map<string, FxRow[]> {
  const rows = new Map<string, FxRow[]>();
  for (const [symbol, ordered] of bySymbolInEventTime(ticks)) {
    const out: FxRow[] = [];
    for (let i = 0; i < ordered.length; i++) {
      const tick = ordered[i]!;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      let sum = 0;
      let count = 0;
      for (let j = i; j >= 0 && ordered[j]!.timestamp >= tick.timestamp - HOUR_SECONDS; j--) {
        const p = ordered[j]!.price;
        min = Math.min(min, p);
        max = Math.max(max, p);
        sum += p;
        count++;
      }
      const previous = i === 0 ? tick.price : ordered[i - 1]!.price;
      out.push({
        symbol,
        timestamp: tick.timestamp,
        price: tick.price,
        minPrice: min,
        maxPrice: max,
        avgPrice: sum / count,
        previousPrice: previous,
        change: tick.price - previous,
      });
    }
    rows.set(symbol, out);
  }
  return rows;
}

/**
 * One-minute bars per symbol: open is the earliest tick of the minute (the first to arrive among
 * equal times), close the latest (the last to arrive among equal times). Sorted by symbol, minute.
 */
export function expectedBars(ticks: readonly FxTick[]): FxBar[] {
  const bars = new Map<string, { open: FxTick; close: FxTick; high: number; low: number; ticks: number }>();
  for (const tick of ticks) {
    const start = Math.floor((tick.timestamp * 1000) / 60_000) * 60_000;
    const id = `${tick.symbol} ${start}`;
    const bar = bars.get(id);
    if (!bar) {
      bars.set(id, { open: tick, close: tick, high: tick.price, low: tick.price, ticks: 1 });
      continue;
    }
    if (tick.timestamp < bar.open.timestamp) bar.open = tick;
    if (tick.timestamp >= bar.close.timestamp) bar.close = tick;
    bar.high = Math.max(bar.high, tick.price);
    bar.low = Math.min(bar.low, tick.price);
    bar.ticks++;
  }
  return [...bars.entries()]
    .map(([id, bar]) => {
      const start = Number(id.split(" ")[1]);
      return {
        symbol: bar.open.symbol,
        start,
        end: start + 60_000,
        open: bar.open.price,
        high: bar.high,
        low: bar.low,
        close: bar.close.price,
        ticks: bar.ticks,
      };
    })
    .sort(byBar);
}

export function byBar(a: FxBar, b: FxBar): number {
  return a.symbol.localeCompare(b.symbol) || a.start - b.start;
}

/**
 * The alert rule: a tick alerts when its price is at least `threshold` above the lowest (or below
 * the highest) price of the symbol's ticks of the preceding `withinMs` (event time, inclusive);
 * after an alert only the alerting tick counts as preceding. Sorted by symbol, time.
 */
export function expectedAlerts(
  ticks: readonly FxTick[],
  threshold: number,
  withinMs: number,
): PriceMoveAlert[] {
  const alerts: PriceMoveAlert[] = [];
  for (const [symbol, ordered] of bySymbolInEventTime(ticks)) {
    let window: FxTick[] = [];
    for (const tick of ordered) {
      const time = tick.timestamp * 1000;
      window = window.filter((t) => t.timestamp * 1000 >= time - withinMs);
      const low = window.reduce<FxTick | undefined>(
        (lo, t) => (lo && lo.price <= t.price ? lo : t),
        undefined,
      );
      const high = window.reduce<FxTick | undefined>(
        (hi, t) => (hi && hi.price >= t.price ? hi : t),
        undefined,
      );
      const from =
        low && tick.price / low.price - 1 >= threshold
          ? low
          : high && tick.price / high.price - 1 <= -threshold
            ? high
            : undefined;
      if (from) {
        alerts.push({
          symbol,
          direction: tick.price > from.price ? "up" : "down",
          change: tick.price / from.price - 1,
          from: from.price,
          fromTime: from.timestamp * 1000,
          to: tick.price,
          time,
        });
        window = [tick];
      } else {
        window.push(tick);
      }
    }
  }
  return alerts.sort(byAlert);
}

export function byAlert(a: PriceMoveAlert, b: PriceMoveAlert): number {
  return a.symbol.localeCompare(b.symbol) || a.time - b.time;
}
