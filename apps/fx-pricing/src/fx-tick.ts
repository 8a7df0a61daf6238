import { hashOf, noise, seededRandom } from "@eddy/app-kit";

/** An FX tick as Kinesis Data Analytics' FX examples publish it: `timestamp` in epoch seconds. */
export interface FxTick {
  readonly ask: number;
  readonly bid: number;
  readonly price: number;
  readonly symbol: string;
  readonly timestamp: number;
}

/**
 * The key every keyed operator of the FX job keys ticks by: one function, so that on several
 * workers they are co-partitioned with the source (`partitionKey: bySymbol`) and each symbol's
 * state lives with the split its ticks come from.
 *
 * @example
 * ticks.keyBy(bySymbol).window(tumbling(minutes(1))).aggregate(count());
 * declare const ticks: DataStream<FxTick>;
 */
export const bySymbol = (tick: FxTick): string => tick.symbol;

/** Symbols the generator quotes, with their starting mid price. */
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

/** Options of {@link fxTicks}; defaults in {@link FX_TICK_DEFAULTS}. */
export interface FxTickOptions {
  /** Another seed, other walks (and other arrival disorder). */
  readonly seed: number;
  /** Event time of tick 0 (epoch ms). */
  readonly start: number;
  /** Event time between consecutive ticks, over all symbols (ms): each symbol ticks every `everyMs × 8`. */
  readonly everyMs: number;
  /** Ticks arrive up to this much later than their event time says (ms): disorder in arrival. */
  readonly disorderMs: number;
  /** Chance per tick of a jump of 0.4–1% (news): what the price-move alerts are for. */
  readonly shockProbability: number;
}

export const FX_TICK_DEFAULTS: FxTickOptions = {
  seed: 1,
  start: Date.UTC(2026, 10, 21, 9, 0, 0),
  everyMs: 250,
  disorderMs: 3_000,
  shockProbability: 0.0015,
};

/** Prices carry four decimals. */
const DECIMALS = 10_000;
const round = (n: number) => Math.round(n * DECIMALS) / DECIMALS;

/** One symbol's random walk: how far it has been generated, and the generator to continue it. */
interface Walk {
  step: number;
  price: number;
  readonly next: () => number;
}

/**
 * A deterministic tick stream: tick `i` quotes symbol `i mod 8`, a random walk per symbol (small
 * steps, and now and then a jump), stamped `start + i × everyMs` minus up to `disorderMs`, so
 * ticks arrive a little out of event-time order. The function is pure in `i` (a generator source
 * resumes at any index after a restore) and O(1) per tick when called in order.
 *
 * @example
 * const tickAt = fxTicks({ ...FX_TICK_DEFAULTS, seed: 7 });
 * tickAt(0); // { ask: 1.0844, bid: 1.084, price: 1.0842, symbol: "EURUSD", timestamp: 1795251600 }
 */
export function fxTicks(options: FxTickOptions): (index: number) => FxTick {
  const { seed, start, everyMs, disorderMs, shockProbability } = options;
  const names = Object.keys(SYMBOLS);
  const walks = new Map<string, Walk>();

  /** The symbol's price after `step` steps; replays the walk from the start when asked for an earlier step. */
  const priceAt = (symbol: string, step: number): number => {
    let walk = walks.get(symbol);
    if (!walk || walk.step > step) {
      walk = { step: 0, price: SYMBOLS[symbol]!, next: seededRandom(hashOf(symbol) ^ seed) };
      walks.set(symbol, walk);
    }
    while (walk.step < step) {
      const move = walk.next() - 0.5;
      let factor = 1 + move * 0.0006;
      if (walk.next() < shockProbability) factor *= 1 + Math.sign(move) * (0.004 + 0.006 * walk.next());
      walk.price *= factor;
      walk.step++;
    }
    return walk.price;
  };

  return (index) => {
    const symbol = names[index % names.length]!;
    const price = priceAt(symbol, Math.floor(index / names.length));
    const spread = price * 0.0003;
    const eventTime = start + index * everyMs - Math.floor(noise(seed, index, 1) * disorderMs);
    return {
      ask: round(price + spread / 2),
      bid: round(price - spread / 2),
      price: round(price),
      symbol,
      timestamp: Math.floor(eventTime / 1000),
    };
  };
}

/**
 * Checks that `value` (decoded JSON) is a tick; throws a `TypeError` naming the field otherwise,
 * which makes the Kinesis record a dead letter. Timestamps must be epoch seconds: a value that
 * looks like milliseconds is refused rather than read as a date 50,000 years away.
 */
export function parseFxTick(value: unknown): FxTick {
  if (typeof value !== "object" || value === null) throw new TypeError("a tick must be a JSON object");
  const tick = value as Record<string, unknown>;
  if (typeof tick.symbol !== "string" || tick.symbol === "") {
    throw new TypeError(`symbol must be a non-empty string, got ${JSON.stringify(tick.symbol)}`);
  }
  for (const field of ["price", "ask", "bid"] as const) {
    if (typeof tick[field] !== "number" || !Number.isFinite(tick[field])) {
      throw new TypeError(`${field} must be a finite number, got ${JSON.stringify(tick[field])}`);
    }
  }
  const timestamp = tick.timestamp;
  if (typeof timestamp !== "number" || !Number.isInteger(timestamp) || timestamp < 0 || timestamp > 1e11) {
    throw new TypeError(`timestamp must be whole epoch seconds, got ${JSON.stringify(timestamp)}`);
  }
  return {
    ask: tick.ask as number,
    bid: tick.bid as number,
    price: tick.price as number,
    symbol: tick.symbol,
    timestamp,
  };
}
