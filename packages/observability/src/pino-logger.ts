import type { Logger } from "@eddy/core";
import { type DestinationStream, type LevelWithSilent, type Logger as Pino, pino } from "pino";

/**
 * The environment variable that sets the log level when `level` is not given: `EDDY_LOG_LEVEL`.
 *
 * @example
 * process.env[LOG_LEVEL_ENV] = "debug";
 * const logger = pinoLogger();
 */
export const LOG_LEVEL_ENV = "EDDY_LOG_LEVEL";

const LEVELS: readonly LevelWithSilent[] = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/**
 * Options of {@link pinoLogger}.
 *
 * @example
 * const options: PinoLoggerOptions = { level: "warn", bindings: { app: "fx-pricing", region: "eu-west-1" } };
 */
export interface PinoLoggerOptions {
  /** Lowest level written. Default: `EDDY_LOG_LEVEL` from the environment, else `info`. */
  readonly level?: LevelWithSilent;
  /** Where JSON lines go. Default: stdout, as pino does (`pino.destination(2)` for stderr). */
  readonly destination?: DestinationStream;
  /** Fields on every line, e.g. `{ app: "fx-pricing" }`. */
  readonly bindings?: Record<string, unknown>;
  /** A pino logger the application already has; `level`, `destination` and `bindings` then apply through `child`. */
  readonly pino?: Pino;
}

/**
 * Core's {@link Logger} on pino: structured lines, children with more context, and `debug`.
 *
 * @example
 * const logger: EddyLogger = pinoLogger();
 * logger.child({ operator: "rolling-1h" }).warn("falling behind", { lagMs: 12_000 });
 */
export interface EddyLogger extends Logger {
  /** A line at debug level, written only when the level is `debug` or `trace`. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` to every line, e.g. `{ operator: "stats" }`. */
  child(bindings: Record<string, unknown>): EddyLogger;
  /** The pino logger underneath. */
  readonly pino: Pino;
}

/**
 * Structured JSON logs for a job, through pino. Give it to `pipeline(name, { logger })`: the job
 * binds `{ job: name }` to every line it writes (restores, checkpoint retries, failures), and a
 * failing operator is logged with `{ operator }`. Use `logger.child({ operator })` for your own
 * lines about an operator.
 *
 * The level comes from `options.level`, else from the environment variable `EDDY_LOG_LEVEL`
 * (`trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`), else `info`.
 *
 * @example
 * // EDDY_LOG_LEVEL=debug tsx main.ts
 * const logger = pinoLogger({ bindings: { app: "fx-pricing" } });
 * const fx = pipeline("fx-pricing", { logger, checkpoints: { every: seconds(10), store } });
 * // {"level":30,"time":…,"app":"fx-pricing","job":"fx-pricing","msg":"job \"fx-pricing\" restores checkpoint 12 from redis"}
 * @throws RangeError when the level (or `EDDY_LOG_LEVEL`) is not one of pino's levels.
 */
export function pinoLogger(options: PinoLoggerOptions = {}): EddyLogger {
  const level = options.level ?? levelFromEnvironment();
  if (!LEVELS.includes(level)) {
    throw new RangeError(`pinoLogger: level must be one of ${LEVELS.join(", ")}; got "${level}"`);
  }
  const base = options.pino
    ? options.pino.child(options.bindings ?? {}, { level })
    : (options.destination ? pino({ level }, options.destination) : pino({ level })).child(
        options.bindings ?? {},
      );
  return wrap(base);
}

function levelFromEnvironment(): LevelWithSilent {
  const value = process.env[LOG_LEVEL_ENV];
  if (value === undefined || value === "") return "info";
  const level = value.trim().toLowerCase() as LevelWithSilent;
  if (!LEVELS.includes(level)) {
    throw new RangeError(`${LOG_LEVEL_ENV} must be one of ${LEVELS.join(", ")}; got "${value}"`);
  }
  return level;
}

function wrap(logger: Pino): EddyLogger {
  return {
    pino: logger,
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (bindings) => wrap(logger.child(bindings)),
  };
}
