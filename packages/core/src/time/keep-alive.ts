/**
 * Holds the process open until the returned release is called. The clock's timers are unref'd so
 * that a finished job never keeps a process alive; but while a job (or a `sleep` before one) waits
 * only on them — a paced source between two records, a checkpoint timer, a retry's backoff — Node
 * would otherwise see nothing to wait for and exit mid-wait.
 */
export function keepProcessAlive(): () => void {
  const handle = setInterval(() => {}, 2 ** 31 - 1);
  return () => clearInterval(handle);
}
