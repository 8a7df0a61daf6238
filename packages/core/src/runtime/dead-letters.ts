import type { Logger } from "../logging/logger.ts";
import type { OperatorMetrics } from "./metrics.ts";

/**
 * A record a connector could not read or write: it is set aside with the reason, so nothing is
 * lost and the job goes on (a connector that was told to stop on bad input fails instead).
 *
 * @example
 * const letter: DeadLetter = {
 *   origin: "kinesisSource(clicks)",
 *   reason: "decode",
 *   error: "Unexpected token } in JSON at position 12",
 *   data: new TextEncoder().encode('{"page": "/"}}'),
 *   timestamp: 1_700_000_000_000,
 *   details: { shardId: "shardId-000000000001", sequenceNumber: "4959..." },
 * };
 */
export interface DeadLetter {
  /** The connector that set it aside (its source or sink name). */
  readonly origin: string;
  /** A short, stable kind: `decode`, `too-large`, `rejected`… — what to count and alert on. */
  readonly reason: string;
  /** What exactly was wrong, for a person: the error's message. */
  readonly error: string;
  /** The record as a value, when there was one (a sink's record, a decoded but invalid input). */
  readonly value?: unknown;
  /** The raw bytes, when those are what failed (a record that could not be decoded). */
  readonly data?: Uint8Array;
  /** The record's event time, or its arrival time; `NaN` when unknown. */
  readonly timestamp: number;
  /** Where to find it again: a shard and sequence number, an object key and line… */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Where a connector sends its {@link DeadLetter}s: given to it in its {@link SourceContext} or
 * {@link SinkContext}. `send` never throws and never waits; the job decides where letters go.
 *
 * @example
 * const decodeOrSetAside = (bytes: Uint8Array, deadLetters: DeadLetterOutput): unknown => {
 *   try {
 *     return JSON.parse(new TextDecoder().decode(bytes));
 *   } catch (error) {
 *     deadLetters.send({ origin: "my-source", reason: "decode", error: String(error), data: bytes, timestamp: Number.NaN });
 *     return undefined;
 *   }
 * };
 */
export interface DeadLetterOutput {
  /** Sets `letter` aside; returns at once. */
  send(letter: DeadLetter): void;
}

/**
 * The default dead-letter output: each letter is counted in the connector's metrics
 * (`deadLetters`) and logged as a warning with its reason and details (not its bytes, which may be
 * large or sensitive).
 *
 * @example
 * const deadLetters = loggingDeadLetters(silentLogger, new OperatorMetrics("clicks"));
 * deadLetters.send({ origin: "clicks", reason: "decode", error: "not JSON", timestamp: Number.NaN });
 */
export function loggingDeadLetters(logger: Logger, metrics: OperatorMetrics): DeadLetterOutput {
  return {
    send(letter) {
      metrics.deadLetters++;
      logger.warn(`dead letter from ${letter.origin} (${letter.reason}): ${letter.error}`, {
        origin: letter.origin,
        reason: letter.reason,
        timestamp: letter.timestamp,
        ...(letter.details === undefined ? {} : { details: letter.details }),
      });
    },
  };
}
