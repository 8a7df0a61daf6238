/** A duration or an instant, in epoch milliseconds. Eddy measures all time in milliseconds. */
export type Millis = number;

/** `ms(250)` → 250. Reads better than a bare number in an options object. */
export const ms = (n: number): Millis => n;
/** `seconds(5)` → 5 000 ms. */
export const seconds = (n: number): Millis => n * 1_000;
/** `minutes(1)` → 60 000 ms. */
export const minutes = (n: number): Millis => n * 60_000;
/** `hours(1)` → 3 600 000 ms. */
export const hours = (n: number): Millis => n * 3_600_000;
