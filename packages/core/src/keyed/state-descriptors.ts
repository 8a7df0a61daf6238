import type { Key } from "../state/key-group.ts";

/** Declares a single value per key. Read returns `initial` (or `undefined`) until updated. */
export interface ValueStateDescriptor<V, TInitial extends V | undefined = V | undefined> {
  readonly kind: "value";
  readonly initial: TInitial;
  /** @internal carries V */
  readonly __value?: V;
}
/** Declares a list per key. */
export interface ListStateDescriptor<V> {
  readonly kind: "list";
  /** @internal carries V */
  readonly __value?: V;
}
/** Declares a map per key. */
export interface MapStateDescriptor<MK extends Key, V> {
  readonly kind: "map";
  /** @internal carries the types */
  readonly __entry?: [MK, V];
}
export type StateDescriptor =
  | ValueStateDescriptor<unknown>
  | ListStateDescriptor<unknown>
  | MapStateDescriptor<Key, unknown>;

/** `valueState(0)`: one value per key, starting at `initial`; `valueState<T>()` starts `undefined`. */
export function valueState<V>(initial: V): ValueStateDescriptor<V, V>;
export function valueState<V>(): ValueStateDescriptor<V, undefined>;
export function valueState<V>(initial?: V): ValueStateDescriptor<V> {
  return { kind: "value", initial };
}
/** `listState<string>()`: a list per key. */
export function listState<V>(): ListStateDescriptor<V> {
  return { kind: "list" };
}
/** `mapState<string, number>()`: a map per key. */
export function mapState<MK extends Key, V>(): MapStateDescriptor<MK, V> {
  return { kind: "map" };
}

/** The current key's single value. */
export interface ValueState<V, TRead = V> {
  value(): TRead;
  update(value: V): void;
  clear(): void;
}
/** The current key's list. */
export interface ListState<V> {
  get(): readonly V[];
  add(value: V): void;
  update(values: readonly V[]): void;
  clear(): void;
}
/** The current key's map. */
export interface MapState<MK extends Key, V> {
  get(key: MK): V | undefined;
  has(key: MK): boolean;
  put(key: MK, value: V): void;
  remove(key: MK): void;
  entries(): IterableIterator<[MK, V]>;
  readonly size: number;
  clear(): void;
}

/** Maps state declarations to the handles a function uses, scoped to the current key. */
export type StateHandles<D> = {
  readonly [N in keyof D]: D[N] extends ValueStateDescriptor<infer V, infer TInitial>
    ? ValueState<V, V | TInitial>
    : D[N] extends ListStateDescriptor<infer V>
      ? ListState<V>
      : D[N] extends MapStateDescriptor<infer MK, infer V>
        ? MapState<MK, V>
        : never;
};
