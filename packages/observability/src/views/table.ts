import type { Sink } from "@eddy/core";
import { type DashboardView, slug, type TableDefinition, type TableState } from "./view.ts";

/**
 * A row of a table view: column name → text or number.
 *
 * @example
 * const row: Row = { page: "/pricing", hits: 1200 };
 */
export type Row = Readonly<Record<string, string | number>>;

/**
 * A row type whose every field is text or a number: interfaces qualify too (they have no index
 * signature, so they are not a {@link Row}).
 *
 * @example
 * interface PageHits {
 *   page: string;
 *   hits: number;
 * }
 * const fits: RowOf<PageHits> = { page: "/", hits: 1 };
 */
export type RowOf<R> = { readonly [K in keyof R]: string | number };

/**
 * Options of {@link table}; defaults in {@link TABLE_DEFAULTS}.
 *
 * @example
 * const options: TableOptions<Click, { page: string; user: string }> = {
 *   title: "Latest click per user",
 *   rows: (c) => ({ page: c.page, user: c.user }),
 *   key: (row) => row.user,
 * };
 */
export interface TableOptions<T, R extends RowOf<R>> {
  /** Shown above the table. */
  readonly title: string;
  /** Defaults to the title as a slug. */
  readonly id?: string;
  /** The rows a record contributes: one row, or a whole list (e.g. a top-N result). */
  readonly rows: (record: T) => R | readonly R[];
  /**
   * With a key, rows are upserted: a row replaces the one with the same key, and every key seen
   * stays (so keep their number bounded). Without one, each record's rows replace the table.
   */
  readonly key?: (row: R) => string;
  /** Column order. Default: the fields of the rows, in the order they first appear. */
  readonly columns?: readonly (keyof R & string)[];
  /** The column rows are ranked by (numbers high to low unless `descending` is false). */
  readonly sortBy?: keyof R & string;
  /** Rank high to low (default) or, with false, low to high. */
  readonly descending?: boolean;
  /** Rows shown. */
  readonly limit?: number;
}

/**
 * Defaults of {@link TableOptions}: the top 10, highest first.
 *
 * @example
 * const shown = TABLE_DEFAULTS.limit; // 10
 */
export const TABLE_DEFAULTS = {
  /** Ten rows shown. */
  limit: 10,
  /** Highest first. */
  descending: true,
} as const;

/**
 * A table for the dashboard, fed by a stream: `stream.sink(leaderboard)`. Either each record
 * replaces the rows (a top-N result per window), or rows are upserted by `key`; the page shows
 * them ranked by `sortBy`, at most `limit`, with a bar for the ranked column.
 *
 * @example
 * // Clickstream: the pages with the most hits in the last minute, as a leaderboard.
 * const leaderboard = table({
 *   title: "Top pages",
 *   rows: (r: WindowResult<string, TimeWindow, number>) => ({ page: r.key, hits: r.value }),
 *   key: (row) => row.page,
 *   sortBy: "hits",
 * });
 * clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).aggregate(count()).sink(leaderboard);
 * await dashboard(job, { views: [leaderboard] });
 */
export function table<T, R extends RowOf<R>>(options: TableOptions<T, R>): Table<T, R> {
  return new Table(options);
}

/**
 * A table of the dashboard, and the sink that feeds it: see {@link table}.
 *
 * @example
 * const latest: Table<Tick, { symbol: string; price: number }> = table({
 *   title: "Latest price",
 *   rows: (t: Tick) => ({ symbol: t.symbol, price: t.price }),
 *   key: (row) => row.symbol,
 * });
 * ticks.sink(latest);
 */
export class Table<T, R extends RowOf<R>> implements Sink<T>, DashboardView {
  /** Unique within a dashboard: `options.id`, or the title as a slug. */
  readonly id: string;
  /** The sink's name in the job graph: `view(<id>)`. */
  readonly name: string;
  readonly #options: TableOptions<T, R>;
  readonly #limit: number;
  readonly #descending: boolean;
  #rows = new Map<string, R>();
  #version = 0;
  #ranked: { version: number; rows: readonly R[] } = { version: 0, rows: [] };

  /** @param options see {@link table} */
  constructor(options: TableOptions<T, R>) {
    this.#options = options;
    this.id = options.id ?? slug(options.title);
    this.name = `view(${this.id})`;
    this.#limit = options.limit ?? TABLE_DEFAULTS.limit;
    this.#descending = options.descending ?? TABLE_DEFAULTS.descending;
    if (!(Number.isInteger(this.#limit) && this.#limit >= 1)) {
      throw new RangeError(`table(${this.id}): limit must be a positive integer, got ${this.#limit}`);
    }
  }

  /** @internal */
  get version(): number {
    return this.#version;
  }

  /** @internal */
  definition(): TableDefinition {
    return {
      kind: "table",
      id: this.id,
      title: this.#options.title,
      columns: this.#options.columns,
      sortBy: this.#options.sortBy,
      descending: this.#descending,
      limit: this.#limit,
    };
  }

  /** Takes in a batch of records (the job calls it: the table is a sink). */
  write(values: T[]): void {
    if (values.length === 0) return;
    this.#version++;
    const { rows: rowsOf, key } = this.#options;
    for (let i = 0; i < values.length; i++) {
      const produced = rowsOf(values[i]!);
      const rows: readonly R[] = Array.isArray(produced) ? produced : [produced as R];
      if (!key) this.#rows = new Map();
      for (let j = 0; j < rows.length; j++) {
        const row = rows[j]!;
        this.#rows.set(key ? key(row) : String(j), row);
      }
    }
  }

  /** @internal */
  state(): TableState {
    // Rows go to the page as JSON: any row type of text and number fields is a Row there.
    return { kind: "table", rows: this.#rank() as readonly Row[] };
  }

  /** @internal */
  changesSince(version: number): TableState | undefined {
    return version >= this.#version ? undefined : this.state();
  }

  /** The rows ranked and cut to the limit, computed at most once per version. */
  #rank(): readonly R[] {
    if (this.#ranked.version === this.#version) return this.#ranked.rows;
    const sortBy = this.#options.sortBy;
    let rows = [...this.#rows.values()];
    if (sortBy !== undefined) {
      const sign = this.#descending ? -1 : 1;
      rows.sort((a, b) => sign * compare(a[sortBy], b[sortBy]));
    }
    rows = rows.slice(0, this.#limit);
    this.#ranked = { version: this.#version, rows };
    return rows;
  }
}

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""));
}
