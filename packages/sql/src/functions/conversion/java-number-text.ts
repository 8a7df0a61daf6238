/**
 * Numbers as Java writes them (`Double.toString`, `Float.toString`, `BigDecimal.toPlainString`),
 * which is how KDA casts numbers to character strings: the shortest digits that read back as the
 * same number, decimal notation from 10^-3 to 10^7 with at least one digit after the point
 * (`100.0`), computerized scientific notation outside it (`1.0E7`, `1.234E-5`).
 */

/** `Double.toString`. */
export function javaDoubleText(value: number): string {
  return javaFloatingText(
    value,
    shortestDigits(value, 17, (x) => x),
  );
}

/** `Float.toString` of a REAL (a double already rounded with `Math.fround`). */
export function javaRealText(value: number): string {
  return javaFloatingText(value, shortestDigits(value, 9, Math.fround));
}

/** The digits and decimal exponent of the shortest decimal that reads back as `value`. */
function shortestDigits(
  value: number,
  maxPrecision: number,
  round: (x: number) => number,
): { digits: string; exponent: number } {
  let text = Math.abs(value).toExponential();
  for (let p = 1; p <= maxPrecision; p++) {
    const candidate = Math.abs(value).toExponential(p - 1);
    if (round(Number(candidate)) === Math.abs(value)) {
      text = candidate;
      break;
    }
  }
  const [mantissa, exponent] = text.split("e") as [string, string];
  return { digits: mantissa.replace(".", "").replace(/0+$/, "") || "0", exponent: Number(exponent) };
}

function javaFloatingText(value: number, shortest: { digits: string; exponent: number }): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const sign = value < 0 || Object.is(value, -0) ? "-" : "";
  if (value === 0) return `${sign}0.0`;
  const { digits, exponent } = shortest;
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
      const fraction = digits.slice(exponent + 1) || "0";
      return `${sign}${whole}.${fraction}`;
    }
    return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || "0"}E${exponent}`;
}

/** A DECIMAL with its scale's digits after the point, as `BigDecimal.toPlainString` writes it. */
export function decimalText(value: number, scale: number): string {
  return (value || 0).toFixed(Math.max(0, Math.min(scale, 100)));
}
