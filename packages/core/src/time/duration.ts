/**
 * A duration or an instant, in epoch milliseconds. Eddy measures all time in milliseconds.
 *
 * @example
 * const gap: Millis = minutes(30);
 * const at: Millis = Date.parse("2026-01-01T00:00:00Z");
 */
export type Millis = number;

/**
 * `ms(250)` → 250. Reads better than a bare number in an options object.
 *
 * @example
 * boundedOutOfOrderness(ms(250));
 */
export const ms = (n: number): Millis => n;
/**
 * `seconds(5)` → 5 000 ms.
 *
 * @example
 * const job = pipeline("fx-pricing", { checkpoints: { every: seconds(10), store } });
 */
export const seconds = (n: number): Millis => n * 1_000;
/**
 * `minutes(1)` → 60 000 ms.
 *
 * @example
 * clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).aggregate(count());
 */
export const minutes = (n: number): Millis => n * 60_000;
/**
 * `hours(1)` → 3 600 000 ms.
 *
 * @example
 * ticks.keyBy((t) => t.symbol).over({ range: hours(1) }).aggregate(stats((t) => t.price));
 */
export const hours = (n: number): Millis => n * 3_600_000;
