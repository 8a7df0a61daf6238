import { describe, expect, it } from "vitest";
import { memberAt, parseJsonPath } from "./json-path.ts";

describe("parseJsonPath", () => {
  it("reads members, bracketed names and the one [0:]", () => {
    expect(parseJsonPath("$")).toEqual({ text: "$", keys: [] });
    expect(parseJsonPath("$.address.city")).toEqual({ text: "$.address.city", keys: ["address", "city"] });
    expect(parseJsonPath("$.orders[0:]")).toEqual({ text: "$.orders[0:]", keys: ["orders"], arrayAt: 1 });
    expect(parseJsonPath("$.a.orders[0:].item.id").keys).toEqual(["a", "orders", "item", "id"]);
    expect(parseJsonPath("$.a.orders[0:].item.id").arrayAt).toBe(2);
    expect(parseJsonPath("$['user name'][\"x.y\"]").keys).toEqual(["user name", "x.y"]);
  });

  it.each([
    ["ticker", 'JSONPath "ticker" must start with $'],
    ["$.", "at character 2: a member name is missing after '.'"],
    ["$.a[0:].b[0:].c", "at character 10: only one [0:] is allowed in a path"],
    ["$[0:].a", "at character 2: [0:] must follow a member name"],
    ["$.a[*]", "at character 4: the only index expression KDA supports is [0:]"],
    ["$.a['b", "at character 4: the bracketed name has no closing ']"],
    ["$a", "at character 2: unexpected 'a'"],
  ])("refuses %s", (text, message) => {
    expect(() => parseJsonPath(text)).toThrow(message);
  });

  it("finds members case-sensitively; anything missing on the way is undefined", () => {
    const record = { customerName: "John Doe", address: { city: "Anytown" }, list: [1] };
    expect(memberAt(record, ["address", "city"])).toBe("Anytown");
    expect(memberAt(record, ["CustomerName"])).toBeUndefined();
    expect(memberAt(record, ["customerName", "first"])).toBeUndefined();
    expect(memberAt(record, ["list", "0"])).toBeUndefined();
    expect(memberAt(record, ["toString"])).toBeUndefined();
  });
});
