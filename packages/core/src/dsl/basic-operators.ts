import type { OperatorFactory } from "../runtime/operator.ts";
import type { ProcessContext, ProcessFunction } from "./process-function.ts";

/**
 * The record-at-a-time operators. Each loops over a batch with one try/catch around the loop (not
 * one per record): a throw hands the failing record to `context.fail` and the loop resumes after it.
 */

export function mapOperator<TIn, TOut>(
  fn: (value: TIn, timestamp: number) => TOut,
): OperatorFactory<TIn, TOut> {
  return (context, output) => ({
    processBatch({ values, timestamps }) {
      const mapped = new Array<TOut>(values.length);
      // The input timestamps are shared with the output until a record fails and drops out.
      let outTimestamps = timestamps;
      let n = 0;
      let i = 0;
      while (i < values.length) {
        try {
          for (; i < values.length; i++) {
            mapped[n] = fn(values[i]!, timestamps[i]!);
            if (outTimestamps !== timestamps) outTimestamps[n] = timestamps[i]!;
            n++;
          }
        } catch (error) {
          if (outTimestamps === timestamps) outTimestamps = timestamps.slice(0, n);
          context.fail(error, values[i], timestamps[i]!);
          i++;
        }
      }
      mapped.length = n;
      output.emitBatch(mapped, outTimestamps);
    },
  });
}

export function filterOperator<T>(
  predicate: (value: T, timestamp: number) => boolean,
): OperatorFactory<T, T> {
  return (context, output) => ({
    processBatch({ values, timestamps }) {
      let i = 0;
      while (i < values.length) {
        try {
          for (; i < values.length; i++) {
            const value = values[i]!;
            if (predicate(value, timestamps[i]!)) output.emit(value, timestamps[i]!);
          }
        } catch (error) {
          context.fail(error, values[i], timestamps[i]!);
          i++;
        }
      }
    },
  });
}

export function flatMapOperator<TIn, TOut>(
  fn: (value: TIn, timestamp: number) => Iterable<TOut>,
): OperatorFactory<TIn, TOut> {
  return (context, output) => ({
    processBatch({ values, timestamps }) {
      let i = 0;
      while (i < values.length) {
        try {
          for (; i < values.length; i++) {
            const timestamp = timestamps[i]!;
            for (const out of fn(values[i]!, timestamp)) output.emit(out, timestamp);
          }
        } catch (error) {
          context.fail(error, values[i], timestamps[i]!);
          i++;
        }
      }
    },
  });
}

export function processOperator<TIn, TOut>(fn: ProcessFunction<TIn, TOut>): OperatorFactory<TIn, TOut> {
  return (context, output) => {
    let timestamp = Number.NaN;
    const processContext: ProcessContext<TOut> = {
      get timestamp() {
        return timestamp;
      },
      currentWatermark: () => context.currentWatermark(),
      emit: (value, at = timestamp) => output.emit(value, at),
      output: (tag, value, at = timestamp) => output.emitSide(tag, value, at),
    };
    return {
      processBatch({ values, timestamps }) {
        let i = 0;
        while (i < values.length) {
          try {
            for (; i < values.length; i++) {
              timestamp = timestamps[i]!;
              fn.processElement(values[i]!, processContext);
            }
          } catch (error) {
            context.fail(error, values[i], timestamps[i]!);
            i++;
          }
        }
      },
    };
  };
}
