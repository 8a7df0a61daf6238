import type { SqlField } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";
import type {
  ArgumentInfo,
  TableEmit,
  TableFunctionInstance,
  TableSqlFunction,
} from "../function-contract.ts";
import { DensityWindow, type Hotspot } from "./hotspots/density-window.ts";
import { numericColumns } from "./numeric-columns.ts";
import { addedColumn, TableArguments, withAddedColumns } from "./table-arguments.ts";

const RESULT = "HOTSPOTS_RESULT";
const NAME = "HOTSPOTS";

/** KDA's documented ranges of HOTSPOTS' parameters. */
const LIMITS = { windowSize: { min: 100, max: 1_000 }, minimumPointsFloor: 2 };

interface HotspotsCall {
  readonly columns: readonly string[];
  readonly windowSize: number;
  readonly scanRadius: number;
  readonly minimumNumberOfPointsInAHotspot: number;
}

function hotspotsCall(input: readonly SqlField[], args: readonly ArgumentInfo[]): HotspotsCall {
  const read = new TableArguments(NAME, args, 3);
  const windowSize = read.integer(0, "windowSize", LIMITS.windowSize);
  const scanRadius = read.positiveNumber(1, "scanRadius", 0);
  const minimumNumberOfPointsInAHotspot = read.integer(2, "minimumNumberOfPointsInAHotspot", {
    min: LIMITS.minimumPointsFloor,
    max: windowSize,
  });
  const columns = numericColumns(read, input).map((c) => c.name);
  return { columns, windowSize, scanRadius, minimumNumberOfPointsInAHotspot };
}

/**
 * KDA's `HOTSPOTS(cursor, windowSize, scanRadius, minimumNumberOfPointsInAHotspot)`: each row of the
 * cursor comes out with `HOTSPOTS_RESULT VARCHAR`, the JSON of every dense region among the last
 * `windowSize` rows (this one included) in the space of the cursor's numeric columns:
 * `{"hotspots":[{"density":…,"minValues":[…],"maxValues":[…]}, …]}`, densest first.
 *
 * As AWS describes it: a hotspot is found like a DBSCAN cluster, with `scanRadius` as DBSCAN's ε and
 * `minimumNumberOfPointsInAHotspot` as its minimum points; `minValues`/`maxValues` are the
 * per-column extremes of the hotspot's rows and `density` is "the number of records in the hotspot
 * divided by the hotspot size", the size being the volume of that box (Eddy floors each side at
 * `scanRadius`, so rows sharing a value still give a finite density; AWS does not say). With AWS's
 * example (points uniform on 10 × 10, a fifth of them in a 1 × 1 square; 1000, 0.2, 17) the square
 * comes out with a density near 200 and nothing else reaches the example viewer's threshold of 40.
 *
 * Ranges as documented: windowSize 100..1,000, scanRadius > 0, minimumNumberOfPointsInAHotspot
 * 2..windowSize; numeric columns only (others pass through), DECIMAL refused. Decisions where AWS is
 * silent: hotspots are reported from the first row on (before the window fills); a row with a NULL
 * or non-finite numeric value passes through with a NULL result and does not enter the window.
 * `snapshot()` holds the window's rows; a restored instance reports exactly as an uninterrupted one.
 *
 * @example
 * const input = [
 *   { name: "x", type: { name: "DOUBLE", nullable: true } },
 *   { name: "y", type: { name: "DOUBLE", nullable: true } },
 * ] as const;
 * const args = [
 *   { type: { name: "INTEGER", nullable: false }, literal: 1000 },
 *   { type: { name: "DOUBLE", nullable: false }, literal: 0.2 },
 *   { type: { name: "INTEGER", nullable: false }, literal: 17 },
 * ] as const;
 * const instance = hotspots().create(input, args);
 * instance.push({ x: 7.92, y: 8.75 }, Date.UTC(2024, 0, 1), (row) => console.log(row.HOTSPOTS_RESULT));
 */
export function hotspots(): TableSqlFunction {
  return {
    kind: "table",
    name: NAME,
    outputColumns: (input, args) => {
      hotspotsCall(input, args);
      return withAddedColumns(NAME, input, [addedColumn(RESULT, "VARCHAR")]);
    },
    create: (input, args) => new HotspotsInstance(hotspotsCall(input, args)),
  };
}

class HotspotsInstance implements TableFunctionInstance {
  readonly #columns: readonly string[];
  readonly #call: HotspotsCall;
  #window: DensityWindow;
  readonly #point: Float64Array;

  constructor(call: HotspotsCall) {
    this.#call = call;
    this.#columns = call.columns;
    this.#point = new Float64Array(call.columns.length);
    this.#window = this.#emptyWindow();
  }

  #emptyWindow(): DensityWindow {
    const c = this.#call;
    return new DensityWindow(c.columns.length, c.windowSize, c.scanRadius, c.minimumNumberOfPointsInAHotspot);
  }

  push(row: Readonly<Record<string, SqlValue>>, rowtime: number, emit: TableEmit): void {
    for (let i = 0; i < this.#columns.length; i++) {
      const value = row[this.#columns[i]!];
      if (typeof value !== "number" || !Number.isFinite(value)) {
        emit({ ...row, [RESULT]: null }, rowtime);
        return;
      }
      this.#point[i] = value;
    }
    this.#window.add(this.#point);
    emit({ ...row, [RESULT]: formatHotspots(this.#window.hotspots()) }, rowtime);
  }

  snapshot(): Float64Array {
    return this.#window.snapshot();
  }

  restore(state: unknown): void {
    this.#window = this.#emptyWindow();
    this.#window.restore(state as Float64Array);
  }
}

function formatHotspots(found: readonly Hotspot[]): string {
  return JSON.stringify({
    hotspots: found.map((h) => ({ density: h.density, minValues: h.minValues, maxValues: h.maxValues })),
  });
}
