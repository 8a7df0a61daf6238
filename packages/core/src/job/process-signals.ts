import type { Logger } from "../logging/logger.ts";

/** The signals a deployment stops a process with. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * On SIGTERM or SIGINT, stops the job `name` with a final savepoint; if that fails, logs it and
 * stops without one. Returns a function that removes the handlers (the run calls it as it ends).
 */
export function stopOnProcessSignals(
  name: string,
  logger: Logger,
  stop: (withSavepoint: boolean) => Promise<void>,
): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info(`job "${name}" received ${signal}: taking a final savepoint and stopping`);
    stop(true).catch((error: unknown) => {
      logger.error(`final savepoint failed: ${String(error)}`);
      void stop(false);
    });
  };
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}
