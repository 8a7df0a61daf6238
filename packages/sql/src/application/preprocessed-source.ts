import type { Source, SourceContext, SourceEvent, SourceReader } from "@eddy/core";
import type { InputRecord } from "./input-record.ts";
import {
  type LambdaPreprocessorOptions,
  lambdaPreprocessor,
  type PreprocessOutcome,
} from "./lambda-preprocessor.ts";

/**
 * What a preprocessed source gives for a record the function did not drop: new bytes to map, or
 * the record's error_stream row.
 *
 * @example
 * declare const outcome: PreprocessedRecord;
 * const rowsOrError = outcome.result === "Ok" ? outcome.data : outcome.error;
 */
export type PreprocessedRecord = Exclude<
  PreprocessOutcome,
  {
    /** Dropped records are not handed on. */
    readonly result: "Dropped";
  }
>;

/**
 * A streaming input with KDA's Lambda preprocessing in front of the input mapping: every batch
 * the source reads goes through the function ({@link lambdaPreprocessor}) before it is handed on,
 * in the same batch, so the source's position still covers exactly the records handed on (a
 * checkpoint never runs ahead of what the function has answered). Dropped records vanish;
 * `ProcessingFailed` ones come out as their error_stream row, in their place. The function's
 * retries run on the job's clock and stop when the job stops; a function that cannot be used
 * fails the job (a {@link LambdaInvocationError}).
 *
 * @example
 * declare const records: Source<InputRecord>;
 * const preprocessed = preprocessedSource(records, {
 *   functionArn: "arn:aws:lambda:us-east-1:123456789012:function:unzip",
 *   applicationArn: "arn:aws:kinesisanalytics:us-east-1:123456789012:application/app",
 *   streamArn: "arn:aws:kinesis:us-east-1:123456789012:stream/in",
 *   source: "kinesis",
 * });
 */
export function preprocessedSource(
  source: Source<InputRecord>,
  options: Omit<LambdaPreprocessorOptions, "clock" | "signal">,
): Source<PreprocessedRecord> {
  return {
    name: source.name,
    bounded: source.bounded,
    async open(context: SourceContext): Promise<SourceReader<PreprocessedRecord>> {
      const reader = await source.open(context);
      const preprocessor = lambdaPreprocessor({ ...options, clock: context.clock, signal: context.signal });
      return {
        async next(): Promise<SourceEvent<PreprocessedRecord> | undefined> {
          const event = await reader.next();
          if (event === undefined || event.kind !== "data" || event.tag !== undefined)
            return event as SourceEvent<PreprocessedRecord> | undefined;
          let outcomes: PreprocessOutcome[];
          try {
            outcomes = await preprocessor.process(event.values);
          } catch (error) {
            if (context.signal.aborted) return undefined;
            throw error;
          }
          const values: PreprocessedRecord[] = [];
          const timestamps: number[] = [];
          outcomes.forEach((outcome, i) => {
            if (outcome.result === "Dropped") return;
            values.push(outcome);
            if (event.timestamps !== undefined) timestamps.push(event.timestamps[i]!);
          });
          return {
            kind: "data",
            split: event.split,
            values,
            ...(event.timestamps === undefined ? {} : { timestamps }),
            position: event.position,
          };
        },
        ...(reader.millisBehindLatest === undefined
          ? {}
          : { millisBehindLatest: () => reader.millisBehindLatest!() }),
        async close() {
          preprocessor.close();
          await reader.close?.();
        },
      };
    },
  };
}
