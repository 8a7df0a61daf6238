/**
 * Deterministic Apache combined-log lines with a realistic shape: a few popular pages and a long
 * tail, some 5xx, and now and then a malformed line. Pure in `index`, so a source can replay it.
 */
const POPULAR = ["/", "/products", "/cart", "/checkout", "/search"];
const AGENTS = [
  "Mozilla/5.0 (compatible; MSIE 10.0; windows NT 6.1; Trident/5.1; .NET CLR 3.8.23015.5)",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  "curl/8.4.0",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function noise(index: number, salt: number): number {
  let h = Math.imul(index ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** Line `index`: one request every `everyMs` ms from `start` (UTC). */
export function logLineAt(index: number, start: number, everyMs: number): string {
  if (noise(index, 7) < 0.01) return `garbage ${index} <- not a log line`;
  const at = new Date(start + index * everyMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${pad(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${at.getUTCFullYear()}:${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`;
  const r = noise(index, 1);
  const path =
    r < 0.7
      ? POPULAR[Math.floor(noise(index, 2) * POPULAR.length)]!
      : `/item/${Math.floor(noise(index, 3) * 5_000)}`;
  const status = noise(index, 4) < 0.03 ? 503 : noise(index, 5) < 0.05 ? 404 : 200;
  const ip = `10.${index % 7}.${Math.floor(noise(index, 6) * 250)}.${Math.floor(noise(index, 8) * 250)}`;
  const agent = AGENTS[Math.floor(noise(index, 9) * AGENTS.length)]!;
  return `${ip} - - [${stamp}] "GET ${path} HTTP/1.1" ${status} ${Math.floor(noise(index, 10) * 9_000)} "-" "${agent}"`;
}
