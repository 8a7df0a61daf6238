import { consoleSink, type Sink } from "@eddy/core";
import type { DeadLetter } from "./dead-letters.ts";
import { clockTime, style, thousands } from "./style.ts";

/** Dead letters the console prints in full before it only counts them. */
const PRINTED_IN_FULL = 3;
/** After those, a line every this many. */
const COUNT_EVERY = 50;

/**
 * Prints the first few dead letters in full (when, where from, why, the start of the record), then
 * a count every fifty, so a stream of bad input does not bury the results; the `files` sink keeps
 * every one.
 */
export function deadLetterConsole(name: string): Sink<DeadLetter> {
  let seen = 0;
  const full = (letter: DeadLetter) => {
    const when = letter.timestamp === undefined ? "" : `${clockTime(letter.timestamp, true)}  `;
    const record = letter.reason.includes(letter.record.slice(0, 40))
      ? ""
      : style("dim", `\n     ${JSON.stringify(letter.record.slice(0, 100))}`);
    return style("red", ` ✗ ${when}dead letter from ${letter.origin}: ${letter.reason}`) + record;
  };
  const sink = consoleSink<DeadLetter>({ name, format: full });
  return {
    ...sink,
    write(values, timestamps) {
      const shown: DeadLetter[] = [];
      const shownAt: number[] = [];
      for (let i = 0; i < values.length; i++) {
        seen++;
        if (seen <= PRINTED_IN_FULL) {
          shown.push(values[i]!);
          shownAt.push(timestamps[i]!);
        } else if (seen % COUNT_EVERY === 0) {
          console.log(
            style("red", ` ✗ ${thousands(seen)} dead letters so far (the files sink keeps them all)`),
          );
        }
      }
      return shown.length > 0 ? sink.write(shown, shownAt) : undefined;
    },
  };
}
