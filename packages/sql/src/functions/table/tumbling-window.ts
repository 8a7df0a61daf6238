import type { TableEmit } from "../function-contract.ts";

/**
 * Epoch-aligned tumbling windows of ROWTIME for the `*_TUMBLING` table functions: `[k·size,
 * (k+1)·size)`, the same alignment as `STEP(ROWTIME BY INTERVAL …)`. A window closes, emitting what
 * `close` makes of its contents, when a row or an `advance` reaches its end (rows arrive in ROWTIME
 * order, so nothing more can join it); `advance(+Infinity)` at the end of input closes the last one.
 * Windows that no row fell in emit nothing.
 *
 * The rows of a closed window carry ROWTIME = the window's end: the instant the result is known,
 * which keeps the output stream's ROWTIME ascending. (KDA's pages do not say for these functions; its
 * stagger-window page shows GROUP BY windows emitted at their end. This is an Eddy decision.)
 */
export class TumblingWindow<TContents> {
  readonly #functionName: string;
  readonly #size: number;
  readonly #open: () => TContents;
  readonly #close: (contents: TContents, end: number, emit: TableEmit) => void;
  #start: number | null = null;
  #contents: TContents | null = null;
  /** Rows before this ROWTIME belong to windows already closed. */
  #closedBefore = Number.NEGATIVE_INFINITY;

  constructor(options: {
    functionName: string;
    sizeMs: number;
    open: () => TContents;
    close: (contents: TContents, end: number, emit: TableEmit) => void;
  }) {
    this.#functionName = options.functionName;
    this.#size = options.sizeMs;
    this.#open = options.open;
    this.#close = options.close;
  }

  /** The contents of the window a row at `rowtime` belongs to, closing the open one if it ended. */
  contentsAt(rowtime: number, emit: TableEmit): TContents {
    this.advance(rowtime, emit);
    if (rowtime < this.#closedBefore || (this.#start !== null && rowtime < this.#start)) {
      throw new Error(
        `${this.#functionName} got a row at ROWTIME ${new Date(rowtime).toISOString()} after its window had closed (rows must arrive in ROWTIME order)`,
      );
    }
    if (this.#start === null || this.#contents === null) {
      this.#start = Math.floor(rowtime / this.#size) * this.#size;
      this.#contents = this.#open();
    }
    return this.#contents;
  }

  /** ROWTIME has reached `rowtime`: closes the open window if it ended at or before it. */
  advance(rowtime: number, emit: TableEmit): void {
    if (this.#start === null || this.#contents === null) return;
    const end = this.#start + this.#size;
    if (rowtime < end) return;
    const contents = this.#contents;
    this.#start = null;
    this.#contents = null;
    this.#closedBefore = end;
    this.#close(contents, end, emit);
  }

  /** The open window as plain data, its contents by `save`. */
  snapshot<TSaved>(save: (contents: TContents) => TSaved): TumblingWindowSnapshot<TSaved> {
    return {
      start: this.#start,
      contents: this.#contents === null ? null : save(this.#contents),
      closedBefore: this.#closedBefore,
    };
  }

  /** Continues from a snapshot, its contents rebuilt by `load`. */
  restore<TSaved>(state: TumblingWindowSnapshot<TSaved>, load: (saved: TSaved) => TContents): void {
    this.#start = state.start;
    this.#contents = state.contents === null ? null : load(state.contents);
    this.#closedBefore = state.closedBefore;
  }
}

/** What {@link TumblingWindow.snapshot} returns. */
export interface TumblingWindowSnapshot<TSaved> {
  readonly start: number | null;
  readonly contents: TSaved | null;
  readonly closedBefore: number;
}
