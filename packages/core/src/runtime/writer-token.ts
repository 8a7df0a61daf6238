/**
 * A worker id as a token for file names and object keys, for sinks that name output by writer
 * ({@link SinkWriter}): letters, digits and `-` stay, every other character becomes its code in
 * hex between underscores (`_` itself too). Distinct ids give distinct tokens, and no token holds
 * `/`, `.` or `~`, so a sink can put one in a name and tell its own files from another worker's.
 *
 * @example
 * writerToken("worker-a"); // "worker-a"
 * writerToken("pod_7.eu"); // "pod_5f_7_2e_eu"
 */
export function writerToken(workerId: string): string {
  return workerId.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`);
}
