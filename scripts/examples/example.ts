/** A code sample to type-check, and where it came from (for messages that point at it). */
export interface Example {
  /** The file it is written in (a source file's TSDoc, a Markdown page). */
  readonly file: string;
  /** Line in `file` of the sample's first line (1-based). */
  readonly line: number;
  /** What it documents: an export's name, or the Markdown page. */
  readonly subject: string;
  readonly code: string;
  /** The package whose documentation it is (its exports are imported first), if any. */
  readonly packageName?: string;
  /**
   * The file this sample is a copy of (a Markdown block marked `<!-- file: path -->`): it is
   * compiled in that file's directory and must equal the file.
   */
  readonly copyOf?: string;
}
