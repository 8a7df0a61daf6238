/** A complete line and the byte offset just after it (its newline included). */
export interface Line {
  readonly text: string;
  readonly end: number;
}

/**
 * Cuts a byte stream into lines, keeping the absolute byte offset after each line, so a reader can
 * checkpoint "resume at byte N". Bytes before `skipTo` are dropped (resuming inside a stream that
 * must be read from its start, e.g. gzip). `\r\n` endings lose their `\r`.
 */
export class LineSplitter {
  #pending: Buffer = Buffer.alloc(0);
  /** Absolute offset of `#pending[0]`. */
  #base: number;
  #scanFrom = 0;
  #skip: number;

  constructor(startOffset = 0, skipTo = startOffset) {
    this.#base = startOffset;
    this.#skip = skipTo - startOffset;
  }

  push(chunk: Buffer): void {
    if (this.#skip > 0) {
      const dropped = Math.min(this.#skip, chunk.byteLength);
      this.#skip -= dropped;
      this.#base += dropped;
      chunk = chunk.subarray(dropped);
      if (chunk.byteLength === 0) return;
    }
    this.#pending = this.#pending.byteLength === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
  }

  /** The next complete line, or `undefined` until more bytes come. */
  next(): Line | undefined {
    const newline = this.#pending.indexOf(0x0a, this.#scanFrom);
    if (newline === -1) {
      this.#scanFrom = this.#pending.byteLength;
      return undefined;
    }
    const cut = newline > 0 && this.#pending[newline - 1] === 0x0d ? newline - 1 : newline;
    const text = this.#pending.toString("utf8", 0, cut);
    this.#pending = this.#pending.subarray(newline + 1);
    this.#base += newline + 1;
    this.#scanFrom = 0;
    return { text, end: this.#base };
  }

  /** At the end of the stream: the last line if it had no newline. */
  finish(): Line | undefined {
    if (this.#pending.byteLength === 0) return undefined;
    const text = this.#pending.toString("utf8");
    this.#base += this.#pending.byteLength;
    this.#pending = Buffer.alloc(0);
    return { text, end: this.#base };
  }
}
