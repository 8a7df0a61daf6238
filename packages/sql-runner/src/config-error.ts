/**
 * The command was given something it cannot use (a missing file, a description that is not KDA's,
 * SQL that does not compile): `eddy-sql` prints its message and exits with code 2, without a
 * stack trace.
 *
 * @example
 * throw new ConfigError("--application app.json: no such file");
 */
export class ConfigError extends Error {
  /** Always `"ConfigError"`. */
  override readonly name = "ConfigError";
}
