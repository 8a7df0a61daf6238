import type { AggregateFunction } from "./aggregate-function.ts";

/** The optional forms of an aggregate that operators prefer to `create` / `add` / `merge`. */
type FastPaths<TIn, TAcc, TOut> = Pick<AggregateFunction<TIn, TAcc, TOut>, "columnar" | "sliding">;

/**
 * Gives a built-in aggregate its columnar and sliding forms as non-enumerable properties. Those
 * forms compute the built-in's own `add` and `result`, so an aggregate made from it by spreading
 * (`{ ...sum(f), add: mine }`) must not inherit them: a spread copies only enumerable properties,
 * and the new aggregate runs on the generic path of the functions it does have.
 */
export function withFastPaths<TIn, TAcc, TOut>(
  fn: AggregateFunction<TIn, TAcc, TOut>,
  paths: FastPaths<TIn, TAcc, TOut>,
): AggregateFunction<TIn, TAcc, TOut> {
  for (const [name, value] of Object.entries(paths)) {
    Object.defineProperty(fn, name, { value, enumerable: false });
  }
  return fn;
}
