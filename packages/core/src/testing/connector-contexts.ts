import { silentLogger } from "../logging/logger.ts";
import type { ConnectorContext } from "../runtime/connector-context.ts";
import type { DeadLetter } from "../runtime/dead-letters.ts";
import type { SplitId } from "../runtime/elements.ts";
import { OperatorMetrics } from "../runtime/metrics.ts";
import type { SinkContext, SinkWriter } from "../runtime/sink.ts";
import type { SourceContext } from "../runtime/source.ts";
import { VirtualClock } from "../time/clock.ts";

/**
 * A context for a connector under test, with the dead letters it sent kept in `deadLettersSent`.
 *
 * @example
 * const context: SourceContext & TestConnectorContext = sourceContext();
 * const reader = await jsonLinesSource<Click>("clicks.jsonl").open(context);
 * await reader.next();
 * console.log(context.deadLettersSent.map((d) => d.error));
 */
export interface TestConnectorContext {
  /** Every dead letter the connector sent, in order. */
  readonly deadLettersSent: DeadLetter[];
}

/**
 * What a test overrides of a connector's context; the rest gets test defaults: a fresh
 * `VirtualClock`, a silent logger, fresh metrics, a signal that is never aborted.
 *
 * @example
 * const overrides: ConnectorContextOverrides = { clock: systemClock, logger: consoleLogger };
 * const context = sinkContext(overrides);
 */
export type ConnectorContextOverrides = Partial<Omit<ConnectorContext, "deadLetters">>;

function connectorContext(
  name: string,
  overrides: ConnectorContextOverrides,
): ConnectorContext & TestConnectorContext {
  const deadLettersSent: DeadLetter[] = [];
  const metrics = overrides.metrics ?? new OperatorMetrics(name);
  return {
    clock: overrides.clock ?? new VirtualClock(),
    logger: overrides.logger ?? silentLogger,
    metrics,
    signal: overrides.signal ?? new AbortController().signal,
    deadLetters: {
      send(letter) {
        metrics.deadLetters++;
        deadLettersSent.push(letter);
      },
    },
    deadLettersSent,
  };
}

/**
 * A {@link SourceContext} to open a source with in a unit test, outside a job.
 *
 * @example
 * const reader = await fromIterable([1, 2, 3]).open(sourceContext({ restoredPositions: new Map([["0", 1]]) }));
 * const first = await reader.next(); // { kind: "data", split: "0", values: [2, 3], position: 3 }
 */
export function sourceContext(
  overrides: ConnectorContextOverrides & {
    readonly restoredPositions?: ReadonlyMap<SplitId, unknown>;
    readonly assignedSplits?: ReadonlySet<SplitId>;
  } = {},
): SourceContext & TestConnectorContext {
  return {
    ...connectorContext("source-under-test", overrides),
    restoredPositions: overrides.restoredPositions ?? new Map(),
    assignedSplits: overrides.assignedSplits,
  };
}

/**
 * A {@link SinkContext} to open a sink with in a unit test, outside a job: fresh, or restoring
 * `restoredState` of checkpoint `restoredCheckpointId`.
 *
 * @example
 * const sink = consoleSink<number>();
 * await sink.open?.(sinkContext());
 * await sink.write([1, 2], [0, 0]);
 */
export function sinkContext(
  overrides: ConnectorContextOverrides & {
    readonly restoredState?: unknown;
    readonly restoredCheckpointId?: number | undefined;
    readonly writer?: SinkWriter | undefined;
  } = {},
): SinkContext & TestConnectorContext {
  return {
    ...connectorContext("sink-under-test", overrides),
    restoredState: overrides.restoredState,
    restoredCheckpointId: overrides.restoredCheckpointId,
    writer: overrides.writer,
  };
}
