/**
 * Holds the process open while a job runs; returns the release. The clock's timers are unref'd so
 * that a finished job never keeps a process alive; but while a job waits only on them (a paced
 * source between two records, a checkpoint timer), Node would otherwise see nothing to wait for
 * and exit mid-run.
 */
export function keepProcessAlive(): () => void {
  const handle = setInterval(() => {}, 2 ** 31 - 1);
  return () => clearInterval(handle);
}
