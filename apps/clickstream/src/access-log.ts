/** One request of an Apache combined log line. */
export interface Hit {
  readonly ip: string;
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly userAgent: string;
}

// 219.134.32.117 - - [16/Feb/1998:09:38:20 -0800] "GET /wp-content HTTP/1.1" 200 4521 "-" "Mozilla/5.0 …"
const COMBINED =
  /^(\S+) \S+ \S+ \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] "(\w+) (\S+) [^"]*" (\d{3}) (\d+|-) "[^"]*" "([^"]*)"$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Parses a combined-log line; throws with the reason when the line is not one. */
export function parseCombinedLog(line: string): Hit {
  const m = COMBINED.exec(line);
  if (!m) throw new SyntaxError(`not an Apache combined log line: ${JSON.stringify(line.slice(0, 80))}`);
  const [, ip, day, mon, year, hh, mm, ss, zone, method, path, status, bytes, userAgent] = m;
  const month = MONTHS.indexOf(mon!);
  if (month < 0) throw new SyntaxError(`unknown month "${mon}" in ${JSON.stringify(line.slice(0, 80))}`);
  const offsetMinutes =
    (zone!.startsWith("-") ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3)));
  const time =
    Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss)) - offsetMinutes * 60_000;
  return {
    ip: ip!,
    time,
    method: method!,
    path: path!,
    status: Number(status),
    bytes: bytes === "-" ? 0 : Number(bytes),
    userAgent: userAgent!,
  };
}
