/**
 * Where the runtime reports what a user must know about (restores, retries, corrupt data).
 *
 * @example
 * const lines: string[] = [];
 * const logger: Logger = {
 *   info: (message) => lines.push(`info ${message}`),
 *   warn: (message) => lines.push(`warn ${message}`),
 *   error: (message, fields) => lines.push(`error ${message} ${JSON.stringify(fields ?? {})}`),
 * };
 * const job = pipeline("fx-pricing", { logger });
 */
export interface Logger {
  /** Normal events: a restore, a savepoint taken. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something went wrong and was handled: a retried store write, a corrupt checkpoint skipped. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Something failed: a final savepoint that could not be taken. */
  error(message: string, fields?: Record<string, unknown>): void;
  /**
   * Optional: a logger that adds `bindings` to every line (pino's `child`). A job binds
   * `{ job: name }` when its logger has it, so every line of a run says which job it is about.
   */
  child?(bindings: Record<string, unknown>): Logger;
}

/**
 * Logs one line per message to stderr; replace it with a structured logger (pino) in production.
 * The default of `PipelineOptions.logger`.
 *
 * @example
 * const job = pipeline("fx-pricing", { logger: consoleLogger });
 */
export const consoleLogger: Logger = {
  info: (message, fields) => console.error(`[eddy] ${message}`, ...(fields ? [fields] : [])),
  warn: (message, fields) => console.error(`[eddy] WARN ${message}`, ...(fields ? [fields] : [])),
  error: (message, fields) => console.error(`[eddy] ERROR ${message}`, ...(fields ? [fields] : [])),
};

/**
 * Drops everything (tests that assert on behaviour, not logs).
 *
 * @example
 * const job = pipeline("under-test", { logger: silentLogger });
 */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
