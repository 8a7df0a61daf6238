/**
 * Deterministic benchmark data, generated once and shared by the baseline and the pipeline so both
 * read the very same batches.
 */

/** A keyed event for the window benchmark. */
export interface KeyedEvent {
  readonly key: string;
  readonly value: number;
  readonly ts: number;
}

/** A tick for the FX over benchmark. */
export interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly ts: number;
}

/** A small, fast PRNG (mulberry32), so data is the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` events over `keys` keys, 100 events per ms of event time, each up to `disorder` ms earlier
 * than its place in the sequence (so a bounded-out-of-orderness watermark of `disorder` is exact).
 */
export function keyedEvents(
  count: number,
  keys: number,
  disorder: number,
  batchSize: number,
): KeyedEvent[][] {
  const next = random(42);
  const names = Array.from({ length: keys }, (_, i) => `key-${i}`);
  const batches: KeyedEvent[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    const batch: KeyedEvent[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      batch.push({
        key: names[Math.floor(next() * keys)]!,
        value: Math.floor(next() * 1000),
        ts: Math.floor(i / 100) - Math.floor(next() * disorder),
      });
    }
    batches.push(batch);
  }
  return batches;
}

/** `count` in-order FX ticks over `symbols` symbols, one every `everyMs` ms, random-walk prices. */
export function fxTicks(count: number, symbols: number, everyMs: number, batchSize: number): Tick[][] {
  const next = random(7);
  const names = Array.from({ length: symbols }, (_, i) => `SYM${i}`);
  const prices = names.map(() => 100 + next() * 100);
  const batches: Tick[][] = [];
  for (let start = 0; start < count; start += batchSize) {
    const batch: Tick[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const s = Math.floor(next() * symbols);
      prices[s] = prices[s]! * (1 + (next() - 0.5) * 0.002);
      batch.push({ symbol: names[s]!, price: prices[s]!, ts: i * everyMs });
    }
    batches.push(batch);
  }
  return batches;
}
