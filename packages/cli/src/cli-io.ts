/**
 * Where a run of `eddy` writes and what it reads from its environment: the process's own by
 * default, captured in tests.
 *
 * @example
 * const lines: string[] = [];
 * const io: CliIo = { out: (text) => lines.push(text), err: (text) => lines.push(text), env: {} };
 * await runEddy(["--version"], io);
 */
export interface CliIo {
  /** Writes to standard output (text ends with a newline). */
  readonly out: (text: string) => void;
  /** Writes to standard error (text ends with a newline). */
  readonly err: (text: string) => void;
  /** Environment variables (`EDDY_CONTROL_TOKEN`, `EDDY_CHECKPOINTS`, `EDDY_URL`). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's standard output, standard error and environment. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
};
