/**
 * Where a run of `eddy-sql` writes: the process's standard output and error by default, captured
 * in tests.
 *
 * @example
 * const lines: string[] = [];
 * const io: RunnerIo = { out: (text) => lines.push(text), err: (text) => lines.push(text) };
 * await runEddySql(["--version"], io);
 */
export interface RunnerIo {
  /** Writes to standard output (text ends with a newline). */
  readonly out: (text: string) => void;
  /** Writes to standard error (text ends with a newline). */
  readonly err: (text: string) => void;
}

/** The process's standard output and standard error. */
export const processIo: RunnerIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};
