import { formatSqlType, isCharacterType, isNumericType, type SqlField } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type {
  ArgumentInfo,
  TableEmit,
  TableFunctionInstance,
  TableSqlFunction,
} from "../function-contract.ts";
import { addedColumn, TableArguments, withAddedColumns } from "./table-arguments.ts";

const NAME = "GROUP_RANK";
/** maxIdle and outputMax are INTEGERs; 0 means "none" for both. */
const NON_NEGATIVE_INTEGER = { min: 0, max: 2_147_483_647 };

type Order = "asc" | "desc";

interface GroupRankCall {
  readonly rankBy: string;
  readonly rankOut: string;
  readonly sortOrder: Order;
  readonly outputOrder: Order;
  readonly maxIdle: number;
  readonly outputMax: number;
}

function groupRankCall(input: readonly SqlField[], args: readonly ArgumentInfo[]): GroupRankCall {
  const read = new TableArguments(NAME, args, 6);
  const rankBy = read.column(0, "rankByColumnName", input);
  if (!isNumericType(rankBy.type) && !isCharacterType(rankBy.type)) {
    throw read.error(
      `ranks by an INTEGER (or other numeric), CHAR or VARCHAR column; ${rankBy.name} is ${formatSqlType(rankBy.type)}`,
    );
  }
  const rankOut = read.string(1, "rankOutColumnName");
  const order = (index: number, parameter: string): Order => {
    const value = read.string(index, parameter).toLowerCase();
    if (value !== "asc" && value !== "desc")
      throw read.error(`${parameter} must be 'asc' or 'desc', got '${value}'`);
    return value;
  };
  return {
    rankBy: rankBy.name,
    rankOut,
    sortOrder: order(2, "sortOrder"),
    outputOrder: order(3, "outputOrder"),
    maxIdle: read.integer(4, "maxIdle", NON_NEGATIVE_INTEGER),
    outputMax: read.integer(5, "outputMax", NON_NEGATIVE_INTEGER),
  };
}

/**
 * KDA's (and SQLstream's) `GROUP_RANK(cursor, rankByColumnName, rankOutColumnName, sortOrder,
 * outputOrder, maxIdle, outputMax)`: gathers the rows that share a ROWTIME (a group, such as the rows
 * one `GROUP BY FLOOR(ROWTIME TO SECOND)` emits at once), ranks them by `rankByColumnName` with SQL's
 * `RANK()` (equal values share a rank, the next rank skips: 1, 1, 3) in `sortOrder` (`'asc'`: the
 * smallest value ranks 1; `'desc'`: the largest), and emits them with the rank in the column
 * `rankOutColumnName` (INTEGER), ordered by rank as `outputOrder` says, keeping the group's ROWTIME.
 * `outputMax` > 0 keeps that many rows per group, the best ranked (0: all).
 *
 * A group is complete, and emitted, when a row with a later ROWTIME arrives or ROWTIME advances past
 * it (end of input included). `maxIdle` is SQLstream's wall-clock flush for a quiet stream: in Eddy
 * time is ROWTIME, so a group goes out as soon as ROWTIME moves past it and `maxIdle` (checked: an
 * INTEGER ≥ 0) changes nothing — which also makes a replay emit the same rows. Decisions where the
 * docs are silent: NULLs rank after every value in both orders; rows of equal rank keep their arrival
 * order; besides AWS's INTEGER, CHAR and VARCHAR, every numeric type ranks by value; strings compare
 * by UTF-16 code units (Java's `compareTo`).
 *
 * @example
 * const input = [
 *   { name: "ticker", type: { name: "VARCHAR", length: 4, nullable: true } },
 *   { name: "ticker_count", type: { name: "INTEGER", nullable: true } },
 * ] as const;
 * const text = (value: string) => ({ type: { name: "CHAR", length: value.length, nullable: false }, literal: value }) as const;
 * const int = (value: number) => ({ type: { name: "INTEGER", nullable: false }, literal: value }) as const;
 * const instance = groupRank().create(input, [text("ticker_count"), text("groupRank"), text("desc"), text("asc"), int(5), int(0)]);
 * instance.push({ ticker: "AMZN", ticker_count: 3 }, 1_000, () => {});
 * instance.advance?.(Number.POSITIVE_INFINITY, (row) => console.log(row.groupRank));
 */
export function groupRank(): TableSqlFunction {
  return {
    kind: "table",
    name: NAME,
    outputColumns: (input, args) => {
      const call = groupRankCall(input, args);
      return withAddedColumns(NAME, input, [addedColumn(call.rankOut, "INTEGER")]);
    },
    create: (input, args) => new GroupRankInstance(groupRankCall(input, args)),
  };
}

/** The rows of the group being gathered: their shared ROWTIME and the rows, in arrival order. */
interface PendingGroup {
  readonly rowtime: number;
  readonly rows: Record<string, SqlValue>[];
}

class GroupRankInstance implements TableFunctionInstance {
  readonly #call: GroupRankCall;
  #group: PendingGroup | null = null;

  constructor(call: GroupRankCall) {
    this.#call = call;
  }

  push(row: Readonly<Record<string, SqlValue>>, rowtime: number, emit: TableEmit): void {
    const group = this.#group;
    if (group !== null && rowtime < group.rowtime) {
      throw new Error(
        `${NAME} got a row at ROWTIME ${new Date(rowtime).toISOString()} after rows at ${new Date(group.rowtime).toISOString()} (rows must arrive in ROWTIME order)`,
      );
    }
    if (group !== null && rowtime > group.rowtime) this.#flush(emit);
    if (this.#group === null) this.#group = { rowtime, rows: [] };
    this.#group.rows.push({ ...row });
  }

  advance(rowtime: number, emit: TableEmit): void {
    if (this.#group !== null && rowtime > this.#group.rowtime) this.#flush(emit);
  }

  #flush(emit: TableEmit): void {
    const { rowtime, rows } = this.#group!;
    this.#group = null;
    const { rankBy, rankOut, sortOrder, outputOrder, outputMax } = this.#call;
    const sign = sortOrder === "asc" ? 1 : -1;
    const byRank = rows
      .map((row, arrival) => ({ row, arrival, value: row[rankBy] ?? null, rank: 0 }))
      .sort((a, b) => compareForRank(a.value, b.value, sign) || a.arrival - b.arrival);
    byRank.forEach((entry, position) => {
      const previous = byRank[position - 1];
      entry.rank =
        previous !== undefined && compareForRank(previous.value, entry.value, sign) === 0
          ? previous.rank
          : position + 1;
    });
    const kept = outputMax > 0 ? byRank.slice(0, outputMax) : byRank;
    if (outputOrder === "desc") kept.sort((a, b) => b.rank - a.rank || a.arrival - b.arrival);
    for (const { row, rank } of kept) emit({ ...row, [rankOut]: rank }, rowtime);
  }

  snapshot(): PendingGroup | null {
    return this.#group;
  }

  restore(state: unknown): void {
    const group = state as PendingGroup | null;
    this.#group = group === null ? null : { rowtime: group.rowtime, rows: group.rows.map((r) => ({ ...r })) };
  }
}

/** Order for ranking: by value in the direction `sign` gives, NULLs last either way. */
function compareForRank(a: SqlValue, b: SqlValue, sign: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (a < b) return -sign;
  if (a > b) return sign;
  return 0;
}
