/**
 * The second key of the process worker's `branches` job (kept apart from the worker script, which
 * runs when imported): a click's ip up to the first digit of its last part — `10.0.0.1` for
 * `10.0.0.1` and `10.0.0.10`–`10.0.0.19`.
 */
export const ipPrefix = (c: { readonly ip: string }): string => c.ip.slice(0, c.ip.lastIndexOf(".") + 2);
