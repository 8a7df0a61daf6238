/** A click of the bounded repartition test, at event time `ts`. */
export interface BoundedClick {
  readonly ip: string;
  readonly page: string;
  readonly ts: number;
}

/**
 * Click `i` of the bounded repartition test's input: its worker generates them, and the test
 * computes the expected counts from the same function.
 */
export const boundedClickAt = (i: number): BoundedClick => ({
  ip: `10.0.0.${(i * 11) % 37}`,
  page: `/p${(i * 7) % 12}`,
  ts: i * 10,
});
