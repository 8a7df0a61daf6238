/** An FX tick as Kinesis Data Analytics' FX examples publish it: `timestamp` in epoch seconds. */
export interface FxTick {
  readonly ask: number;
  readonly bid: number;
  readonly price: number;
  readonly symbol: string;
  readonly timestamp: number;
}

/** Symbols the generator quotes, with a starting mid price. */
export const SYMBOLS: Readonly<Record<string, number>> = {
  EURUSD: 1.0842,
  GBPUSD: 1.2711,
  USDJPY: 151.37,
  AUDUSD: 0.6583,
  USDCHF: 0.9012,
  XAUUSD: 2331.4,
  XAGZAR: 211.9445,
  BTCUSD: 64210.5,
};

/** mulberry32: a tiny seeded PRNG, so a replay generates the same ticks. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Tick `index` of a deterministic random walk per symbol: a tick every `everyMs` of event time
 * starting at `start`, with arrival up to `disorderMs` out of order. Pure in `index`, so a source
 * can resume at any index after a restore.
 */
export function fxTickAt(
  index: number,
  options: { start: number; everyMs: number; disorderMs: number },
): FxTick {
  const names = Object.keys(SYMBOLS);
  const symbol = names[index % names.length]!;
  const perSymbol = Math.floor(index / names.length);
  // The walk is a sum of seeded steps; cache per symbol so generating in order is O(1) per tick.
  const price = walk(symbol, perSymbol);
  const next = seeded(index * 2654435761);
  const spread = price * 0.0003;
  const jitter = Math.floor(next() * options.disorderMs);
  const eventTime = options.start + index * options.everyMs - jitter;
  return {
    ask: round(price + spread / 2),
    bid: round(price - spread / 2),
    price: round(price),
    symbol,
    timestamp: Math.floor(eventTime / 1000),
  };
}

/** Per symbol: how far its walk has been generated, and the generator to continue it. */
const walks = new Map<string, { step: number; price: number; rng: () => number }>();

/** The symbol's price after `step` steps; O(1) per call when called in order, as a source does. */
function walk(symbol: string, step: number): number {
  let state = walks.get(symbol);
  if (!state || state.step > step) {
    state = { step: 0, price: SYMBOLS[symbol]!, rng: seeded(hash(symbol)) };
    walks.set(symbol, state);
  }
  while (state.step < step) {
    state.price *= 1 + (state.rng() - 0.5) * 0.002;
    state.step++;
  }
  return state.price;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
