import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../messages.ts";
import { parseWorkerMessage } from "../parseMessages.ts";
import { DONOR_LIMITS, displayTextProblem } from "./displayTextProblem.ts";
import { SITE_ORIGIN_CHARS } from "./donorText.ts";

const KEY = "k".repeat(43);
const hello = (donor: unknown) => JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [], donor });

describe("displayTextProblem", () => {
  it.each(["Ada", "Team Zürich", "李小龙", "R2-D2 & co.", "x".repeat(DONOR_LIMITS.nameChars), "🐟".repeat(DONOR_LIMITS.nameChars)])("accepts %j", (name) => {
    expect(displayTextProblem(name, DONOR_LIMITS.nameChars)).toBeUndefined();
  });

  it.each([
    ["empty", ""],
    ["too long", "x".repeat(DONOR_LIMITS.nameChars + 1)],
    ["a newline", "Ada\ninfo job submitted"],
    ["a NUL", "Ada\u0000"],
    ["a right-to-left override", "Ada\u202Egnp.exe"],
    ["a bidi isolate", "\u2067Ada"],
    ["a zero-width joiner", "A\u200Dda"],
    ["a leading space", " Ada"],
    ["two spaces", "A  da"],
    ["a tab", "A\tda"],
    ["a lone surrogate", "A\uD800da"],
    ["a line separator", "A\u2028da"],
  ])("refuses %s", (_name, text) => {
    expect(displayTextProblem(text, DONOR_LIMITS.nameChars)).toBeTypeOf("string");
  });
});

describe("hello.donor", () => {
  it.each([{ key: KEY }, { site: "example.org", siteOrigin: "https://example.org" }, { key: KEY, site: "Ada's blog", siteOrigin: "http://127.0.0.1:8080" }, { siteOrigin: "https://news.example" }, {}])("accepts %j", (donor) => {
    expect(parseWorkerMessage(hello(donor))).toMatchObject({ donor });
  });

  it.each([
    ["a short key", { key: "k".repeat(31) }, /key/],
    ["an oversized key", { key: "k".repeat(65) }, /key/],
    ["a key with other characters", { key: `${"k".repeat(40)} ../` }, /key/],
    ["a site with a bidi override", { site: "evil\u202Eorg", siteOrigin: "https://evil.example" }, /site/],
    ["an oversized site", { site: "s".repeat(DONOR_LIMITS.siteChars + 1), siteOrigin: "https://s.example" }, /site/],
    ["a site name with no origin to bind it to", { site: "Lisbon Weather" }, /site: a site name needs the siteOrigin/],
    ["an origin with a path", { site: "x", siteOrigin: "https://a.example/credit" }, /siteOrigin: expected an http\(s\) origin/],
    ["an origin in upper case (not as URL.origin writes it)", { site: "x", siteOrigin: "https://A.example" }, /siteOrigin/],
    ["a javascript: origin", { site: "x", siteOrigin: "javascript:alert(1)" }, /siteOrigin/],
    ["an oversized origin", { site: "x", siteOrigin: `https://${"a".repeat(SITE_ORIGIN_CHARS)}.example` }, /siteOrigin/],
    ["a name smuggled in", { key: KEY, name: "Ada" }, /donor/],
    ["a key that is not text", { key: 42 }, /key/],
  ])("refuses %s", (_name, donor, message) => {
    expect(() => parseWorkerMessage(hello(donor))).toThrow(message);
  });
});
