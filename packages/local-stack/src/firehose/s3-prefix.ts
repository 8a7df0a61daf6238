/**
 * Evaluates a Firehose S3 prefix the way the service does: `!{timestamp:<pattern>}` (a Java
 * DateTimeFormatter pattern in UTC; yyyy, MM, dd, HH, mm, ss and 'quoted' literals are
 * understood), `!{firehose:random-string}` and `!{firehose:error-output-type}`. A prefix without
 * a timestamp expression gets the default `YYYY/MM/DD/HH/` appended, as Firehose does.
 */
export function evaluatePrefix(
  prefix: string,
  arrival: number,
  options: { errorOutputType?: string; randomString?: () => string } = {},
): string {
  const hasTimestamp = prefix.includes("!{timestamp:");
  const evaluated = prefix.replace(
    /!\{(timestamp|firehose):([^}]*)\}/g,
    (_, namespace: string, arg: string) => {
      if (namespace === "timestamp") return formatUtc(arrival, arg);
      if (arg === "random-string") return (options.randomString ?? randomString)();
      if (arg === "error-output-type") return options.errorOutputType ?? "processing-failed";
      throw new Error(`unsupported Firehose prefix expression !{firehose:${arg}}`);
    },
  );
  return hasTimestamp ? evaluated : evaluated + formatUtc(arrival, "yyyy/MM/dd/HH/");
}

/** Formats `time` in UTC with a Java DateTimeFormatter-style pattern (the subset Firehose users use). */
export function formatUtc(time: number, pattern: string): string {
  const d = new Date(time);
  const fields: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()).padStart(4, "0"),
    MM: pad2(d.getUTCMonth() + 1),
    dd: pad2(d.getUTCDate()),
    HH: pad2(d.getUTCHours()),
    mm: pad2(d.getUTCMinutes()),
    ss: pad2(d.getUTCSeconds()),
  };
  let out = "";
  for (let i = 0; i < pattern.length; ) {
    if (pattern[i] === "'") {
      const end = pattern.indexOf("'", i + 1);
      out += pattern.slice(i + 1, end === -1 ? undefined : end);
      i = end === -1 ? pattern.length : end + 1;
      continue;
    }
    const token = Object.keys(fields).find((t) => pattern.startsWith(t, i));
    if (token) {
      out += fields[token];
      i += token.length;
    } else {
      out += pattern[i];
      i++;
    }
  }
  return out;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function randomString(): string {
  return Math.random().toString(36).slice(2, 13).padEnd(11, "0");
}
