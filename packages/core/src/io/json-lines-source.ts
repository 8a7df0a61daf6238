import { type FileHandle, open } from "node:fs/promises";
import { describeError, PipelineDefinitionError } from "../runtime/errors.ts";
import type { Source, SourceContext, SourceEvent, SourceReader } from "../runtime/source.ts";
import { positiveInteger, SINGLE_SPLIT, SOURCE_DEFAULTS } from "./source-support.ts";

/**
 * What to do with a line that is not valid JSON (or that `decode` rejects): `"fail"` the job, or a
 * dead-letter hook that gets the line, the reason and its 1-based line number.
 *
 * @example
 * const rejected: string[] = [];
 * const onInvalidLine: InvalidLineHandler = (line, error, n) => rejected.push(`line ${n}: ${error}`);
 * jsonLinesSource("orders.jsonl", { onInvalidLine });
 */
export type InvalidLineHandler = "fail" | ((line: string, error: string, lineNumber: number) => void);

/**
 * Options of {@link jsonLinesSource}.
 *
 * @example
 * const options: JsonLinesSourceOptions<Order> = {
 *   decode: (json) => {
 *     const order = json as Order;
 *     if (typeof order.amount !== "number") throw new Error("amount is not a number");
 *     return order;
 *   },
 *   onInvalidLine: "fail",
 * };
 */
export interface JsonLinesSourceOptions<T> {
  /**
   * Checks and converts each parsed line; a throw makes the line invalid (see `onInvalidLine`).
   * Default: the parsed JSON as is.
   */
  readonly decode?: (json: unknown) => T;
  /**
   * `"fail"` (the default) fails the job with an error naming the file and line number; a
   * function is a dead-letter hook: it gets the line, the reason and its 1-based line number,
   * and reading goes on with the next line.
   */
  readonly onInvalidLine?: InvalidLineHandler;
  /** Most records per batch (default {@link SOURCE_DEFAULTS}.batchSize = 1000). */
  readonly batchSize?: number;
  /** Names the source in checkpoints and messages (default `"json-lines"`). */
  readonly name?: string;
}

/**
 * Where a {@link jsonLinesSource} resumes: the byte offset after the last line read, and that
 * line's number. It is what the source stores in checkpoints.
 *
 * @example
 * const [latest] = await store.checkpoints("orders");
 * const position = latest?.sources["source(json-lines)#0"]?.["0"] as JsonLinesPosition | undefined;
 */
export interface JsonLinesPosition {
  /** Byte offset just after the last line read. */
  readonly offset: number;
  /** That line's 1-based number. */
  readonly line: number;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/**
 * A bounded source of the records of a JSON-lines file (one JSON value per line, UTF-8, `\n` or
 * `\r\n` line ends, blank lines skipped), in file order, on one split (`"0"`).
 *
 * Its position is a {@link JsonLinesPosition}: the byte offset just after the last line read
 * (records and invalid lines alike) and that line's number, so a restored job seeks straight
 * there and error messages keep the true line numbers. The file must not change between a
 * checkpoint and its restore (appending is fine). It is read to its end as it is when read:
 * this is not a `tail -f`.
 *
 * A line that does not parse is not lost silently: with the default `onInvalidLine: "fail"` the
 * job fails with `file:line` in the message; with a hook, the hook gets it and reading goes on.
 * Dead letters are reported at least once: lines reported after the last checkpoint are reported
 * again after a restore.
 *
 * Event time: none; assign it with `withWatermarks`.
 *
 * @example
 * const rejected: string[] = [];
 * job.source(jsonLinesSource("orders.jsonl", {
 *     decode: (json) => json as Order,
 *     onInvalidLine: (line, error, n) => rejected.push(`${n}: ${error}`),
 *   }))
 *   .withWatermarks(boundedOutOfOrderness(seconds(5)), (o) => o.at);
 *
 * @throws PipelineDefinitionError when `batchSize` is not a positive integer.
 */
export function jsonLinesSource<T = unknown>(
  path: string,
  options: JsonLinesSourceOptions<T> = {},
): Source<T> {
  const name = options.name ?? "json-lines";
  const owner = `jsonLinesSource(${path})`;
  const batchSize = positiveInteger(owner, "batchSize", options.batchSize, SOURCE_DEFAULTS.batchSize);
  const decode = options.decode;
  const onInvalidLine = options.onInvalidLine ?? "fail";
  return {
    name,
    bounded: true,
    async open(context: SourceContext): Promise<SourceReader<T>> {
      const start = restoredPosition(context, owner);
      let handle: FileHandle;
      try {
        handle = await open(path, "r");
      } catch (error) {
        throw new Error(`${owner}: cannot open the file: ${describeError(error)}`, { cause: error });
      }
      /** Bytes read but not yet consumed as lines; they start at file offset `consumed`. */
      let carry: Buffer = EMPTY;
      let consumed = start.offset;
      let readOffset = start.offset;
      let lineNumber = start.line;
      let scanFrom = 0;
      let eof = false;
      let finished = false;
      let reported = start.offset;

      const handleLine = (bytes: Buffer, into: T[]) => {
        if (bytes.length === 0) return;
        let text = bytes.toString("utf8");
        if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
        if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        if (text.trim() === "") return;
        let value: T;
        try {
          const json: unknown = JSON.parse(text);
          value = decode ? decode(json) : (json as T);
        } catch (error) {
          const reason = describeError(error);
          if (onInvalidLine === "fail") {
            throw new Error(`${owner}: line ${lineNumber} is not a valid record: ${reason}`, {
              cause: error,
            });
          }
          onInvalidLine(text, reason, lineNumber);
          return;
        }
        into.push(value);
      };

      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          if (finished || context.signal.aborted) return undefined;
          const values: T[] = [];
          while (values.length < batchSize) {
            const newline = carry.indexOf(NEWLINE, scanFrom);
            if (newline !== -1) {
              const line = carry.subarray(0, newline);
              carry = carry.subarray(newline + 1);
              consumed += newline + 1;
              scanFrom = 0;
              lineNumber++;
              handleLine(line, values);
              continue;
            }
            if (eof) {
              if (carry.length > 0) {
                const line = carry;
                consumed += carry.length;
                carry = EMPTY;
                lineNumber++;
                handleLine(line, values);
              }
              finished = true;
              break;
            }
            scanFrom = carry.length;
            const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
            const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, readOffset);
            if (bytesRead === 0) {
              eof = true;
            } else {
              readOffset += bytesRead;
              const fresh = chunk.subarray(0, bytesRead);
              carry = carry.length === 0 ? fresh : Buffer.concat([carry, fresh]);
            }
          }
          // Invalid lines at the very end still move the position, so a restore does not report them again.
          if (values.length === 0 && consumed === reported) return undefined;
          reported = consumed;
          const position: JsonLinesPosition = { offset: consumed, line: lineNumber };
          return { kind: "data", split: SINGLE_SPLIT, values, position };
        },
        async close() {
          await handle.close();
        },
      };
    },
  };
}

function restoredPosition(context: SourceContext, owner: string): JsonLinesPosition {
  const position = context.restoredPositions.get(SINGLE_SPLIT);
  if (position === undefined) return { offset: 0, line: 0 };
  const candidate = position as Partial<JsonLinesPosition> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    !Number.isSafeInteger(candidate.offset) ||
    !Number.isSafeInteger(candidate.line) ||
    candidate.offset! < 0 ||
    candidate.line! < 0
  ) {
    throw new PipelineDefinitionError(
      `${owner}: the checkpoint's position is not a { offset, line } file position: ${JSON.stringify(position)}`,
    );
  }
  return { offset: candidate.offset!, line: candidate.line! };
}
