/**
 * Options of the table functions whose results depend on random choices (the random cut forests):
 * the job's seed, so that a replay of the same rows gives the same scores.
 *
 * @example
 * const options: TableFunctionOptions = { seed: 42 };
 */
export interface TableFunctionOptions {
  /** Seeds every random choice (an integer; only its low 32 bits count). Default {@link DEFAULT_TABLE_FUNCTION_OPTIONS}. */
  readonly seed?: number;
}

/**
 * The defaults of {@link TableFunctionOptions}.
 *
 * @example
 * const seed = DEFAULT_TABLE_FUNCTION_OPTIONS.seed;
 */
export const DEFAULT_TABLE_FUNCTION_OPTIONS = {
  /** Any fixed number does: what matters is that every run uses the same one. */
  seed: 0x45444459,
} as const satisfies Required<TableFunctionOptions>;
