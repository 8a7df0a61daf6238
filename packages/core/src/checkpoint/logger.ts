/** Where the runtime reports what a user must know about (restores, retries, corrupt data). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /**
   * Optional: a logger that adds `bindings` to every line (pino's `child`). A job binds
   * `{ job: name }` when its logger has it, so every line of a run says which job it is about.
   */
  child?(bindings: Record<string, unknown>): Logger;
}

/** Logs one line per message to stderr; replace it with a structured logger (pino) in production. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.error(`[eddy] ${message}`, ...(fields ? [fields] : [])),
  warn: (message, fields) => console.error(`[eddy] WARN ${message}`, ...(fields ? [fields] : [])),
  error: (message, fields) => console.error(`[eddy] ERROR ${message}`, ...(fields ? [fields] : [])),
};

/** Drops everything (tests that assert on behaviour, not logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
