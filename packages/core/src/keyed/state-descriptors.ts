import type { Key } from "../state/key-group.ts";

/**
 * Declares a single value per key (made by {@link valueState}). Reads return `initial` (or
 * `undefined`) until the value is updated. State is scoped to the key of the record or timer
 * being processed, and is part of every checkpoint.
 *
 * @example
 * const lastPrice: ValueStateDescriptor<number, undefined> = valueState<number>();
 * const counter: ValueStateDescriptor<number, number> = valueState(0);
 */
export interface ValueStateDescriptor<V, TInitial extends V | undefined = V | undefined> {
  /** Which kind of state this declares. */
  readonly kind: "value";
  /** What a read returns before the first update, or after a clear. */
  readonly initial: TInitial;
  /** @internal carries V */
  readonly __value?: V;
}
/**
 * Declares a list per key (made by {@link listState}); empty until something is added.
 *
 * @example
 * const recentPages: ListStateDescriptor<string> = listState<string>();
 */
export interface ListStateDescriptor<V> {
  /** Which kind of state this declares. */
  readonly kind: "list";
  /** @internal carries V */
  readonly __value?: V;
}
/**
 * Declares a map per key (made by {@link mapState}); its keys are strings or numbers.
 *
 * @example
 * const hitsPerPage: MapStateDescriptor<string, number> = mapState<string, number>();
 */
export interface MapStateDescriptor<MK extends Key, V> {
  /** Which kind of state this declares. */
  readonly kind: "map";
  /** @internal carries the types */
  readonly __entry?: [MK, V];
}
/**
 * Any state declaration: what the `state` record of a {@link KeyedProcessFunction} holds.
 *
 * @example
 * const declarations: Record<string, StateDescriptor> = {
 *   count: valueState(0),
 *   pages: listState<string>(),
 *   perPage: mapState<string, number>(),
 * };
 */
export type StateDescriptor =
  | ValueStateDescriptor<unknown>
  | ListStateDescriptor<unknown>
  | MapStateDescriptor<Key, unknown>;

/**
 * `valueState(0)`: one value per key, starting at `initial`; `valueState<T>()` starts `undefined`.
 *
 * @example
 * const counts: DataStream<number> = clicks.keyBy((c) => c.user).process({
 *   state: { clicks: valueState(0), lastPage: valueState<string>() },
 *   processElement(click, ctx) {
 *     ctx.state.clicks.update(ctx.state.clicks.value() + 1); // number
 *     const previous = ctx.state.lastPage.value(); // string | undefined
 *     if (previous !== click.page) ctx.state.lastPage.update(click.page);
 *     ctx.emit(ctx.state.clicks.value());
 *   },
 * });
 */
export function valueState<V>(initial: V): ValueStateDescriptor<V, V>;
export function valueState<V>(): ValueStateDescriptor<V, undefined>;
export function valueState<V>(initial?: V): ValueStateDescriptor<V> {
  return { kind: "value", initial };
}
/**
 * `listState<string>()`: a list per key.
 *
 * @example
 * const triples: DataStream<string[]> = clicks.keyBy((c) => c.user).process({
 *   state: { pages: listState<string>() },
 *   processElement(click, ctx) {
 *     ctx.state.pages.add(click.page);
 *     if (ctx.state.pages.get().length === 3) {
 *       ctx.emit([...ctx.state.pages.get()]);
 *       ctx.state.pages.clear();
 *     }
 *   },
 * });
 */
export function listState<V>(): ListStateDescriptor<V> {
  return { kind: "list" };
}
/**
 * `mapState<string, number>()`: a map per key.
 *
 * @example
 * const perPage: DataStream<[string, number]> = clicks.keyBy((c) => c.user).process({
 *   state: { perPage: mapState<string, number>() },
 *   processElement(click, ctx) {
 *     const n = (ctx.state.perPage.get(click.page) ?? 0) + 1;
 *     ctx.state.perPage.put(click.page, n);
 *     ctx.emit([click.page, n]);
 *   },
 * });
 */
export function mapState<MK extends Key, V>(): MapStateDescriptor<MK, V> {
  return { kind: "map" };
}

/**
 * The current key's single value (declared with {@link valueState}).
 *
 * @example
 * const increment = (counter: ValueState<number>) => counter.update(counter.value() + 1);
 */
export interface ValueState<V, TRead = V> {
  /** The value: the declared initial value (or `undefined`) until updated. */
  value(): TRead;
  /** Replaces the value. */
  update(value: V): void;
  /** Removes the value (reads return the initial value again). */
  clear(): void;
}
/**
 * The current key's list (declared with {@link listState}).
 *
 * @example
 * const keepLast = (list: ListState<number>, value: number, n: number) =>
 *   list.update([...list.get(), value].slice(-n));
 */
export interface ListState<V> {
  /** The list (empty until something is added). */
  get(): readonly V[];
  /** Appends one value. */
  add(value: V): void;
  /** Replaces the whole list. */
  update(values: readonly V[]): void;
  /** Empties the list. */
  clear(): void;
}
/**
 * The current key's map (declared with {@link mapState}); keys are strings or numbers.
 *
 * @example
 * const topPage = (perPage: MapState<string, number>) =>
 *   [...perPage.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
 */
export interface MapState<MK extends Key, V> {
  /** The value under `key`, if any. */
  get(key: MK): V | undefined;
  /** Whether `key` has a value. */
  has(key: MK): boolean;
  /** Sets the value under `key`. */
  put(key: MK, value: V): void;
  /** Removes `key`. */
  remove(key: MK): void;
  /** The entries, in insertion order. */
  entries(): IterableIterator<[MK, V]>;
  /** Number of entries. */
  readonly size: number;
  /** Removes every entry. */
  clear(): void;
}

/**
 * Maps state declarations to the handles a function uses, scoped to the current key.
 *
 * @example
 * const declarations = { count: valueState(0), pages: listState<string>() };
 * type Handles = StateHandles<typeof declarations>; // { count: ValueState<number>; pages: ListState<string> }
 * const reset = (state: Handles) => {
 *   state.count.clear();
 *   state.pages.clear();
 * };
 */
export type StateHandles<D> = {
  readonly [N in keyof D]: D[N] extends ValueStateDescriptor<infer V, infer TInitial>
    ? ValueState<V, V | TInitial>
    : D[N] extends ListStateDescriptor<infer V>
      ? ListState<V>
      : D[N] extends MapStateDescriptor<infer MK, infer V>
        ? MapState<MK, V>
        : never;
};
