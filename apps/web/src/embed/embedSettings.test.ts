import { describe, expect, it } from "vitest";
import type { FrameContext } from "./embedSettings.ts";
import { embedDonor, embedSettings } from "./embedSettings.ts";

const SITE = "https://news.example";
const frame = (hash: string, context: Partial<FrameContext> = {}): FrameContext => ({ hash, ancestorOrigins: [SITE], referrer: "", framed: true, ...context });

describe("embedSettings: which host frames the embed, checked against what the browser says", () => {
  it.each<[string, FrameContext, string | undefined]>([
    ["the claim matches the parent", frame(`#host=${encodeURIComponent(SITE)}`), SITE],
    ["no claim: the parent the browser reports", frame(""), SITE],
    ["a site posing as another", frame(`#host=${encodeURIComponent("https://bank.example")}`), undefined],
    ["an opaque parent (sandboxed or a data: URL)", frame(`#host=null`, { ancestorOrigins: ["null"] }), undefined],
    ["a claim that is not an origin", frame(`#host=${encodeURIComponent(`${SITE}/path`)}`), undefined],
    ["a javascript: claim", frame(`#host=${encodeURIComponent("javascript:alert(1)")}`), undefined],
    ["opened as a page of its own", frame(`#host=${encodeURIComponent(SITE)}`, { framed: false }), undefined],
    ["no ancestorOrigins: the referrer decides", frame(`#host=${encodeURIComponent(SITE)}`, { ancestorOrigins: undefined, referrer: `${SITE}/article/1` }), SITE],
    ["no ancestorOrigins: a referrer from elsewhere", frame(`#host=${encodeURIComponent(SITE)}`, { ancestorOrigins: undefined, referrer: "https://evil.example/" }), undefined],
    ["no ancestorOrigins, no referrer: the claim", frame(`#host=${encodeURIComponent(SITE)}`, { ancestorOrigins: undefined }), SITE],
    ["nothing at all", frame("", { ancestorOrigins: undefined }), undefined],
    ["an oversized claim", frame(`#host=${encodeURIComponent(`${SITE}/${"a".repeat(5000)}`)}`), undefined],
  ])("%s", (_name, context, expected) => {
    expect(embedSettings(context).hostOrigin).toBe(expected);
  });

  it.each<[string, number, number]>([
    ["", 1, 50],
    ["threads=2&cpu=100", 2, 100],
    ["threads=64&cpu=1000", 4, 100],
    ["threads=0&cpu=1", 1, 10],
    ["threads=-3&cpu=-50", 1, 10],
    ["threads=abc&cpu=NaN", 1, 50],
    ["threads=2.6&cpu=33.3", 3, 33],
  ])("bounds the snippet's threads and CPU share: %s", (hash, threads, cpuPercent) => {
    expect(embedSettings(frame(`#${hash}`))).toMatchObject({ threads, cpuPercent });
  });

  it.each<[string, string | undefined]>([
    ["site=Ada%27s%20blog", "Ada's blog"],
    ["", undefined],
    [`site=${"s".repeat(65)}`, undefined],
    ["site=evil%E2%80%AEgro.elpmaxe", undefined],
    ["site=two%0Alines", undefined],
    ["site=", undefined],
  ])("takes the site's name only as short plain text: %s", (hash, site) => {
    expect(embedSettings(frame(`#${hash}`)).site).toBe(site);
  });

  it("credits the origin the browser reports: a site claiming another site's name gets a row under its own origin", () => {
    const impostor = "https://impostor.example";
    const claimed = embedSettings(frame(`#host=${encodeURIComponent(impostor)}&site=${encodeURIComponent("Lisbon Weather")}`, { ancestorOrigins: [impostor] }));
    expect(embedDonor(claimed)).toEqual({ site: "Lisbon Weather", siteOrigin: impostor });
    // Posing as the real site's origin as well leaves no verified origin, so nothing is credited.
    const posing = embedSettings(frame(`#host=${encodeURIComponent(SITE)}&site=${encodeURIComponent("Lisbon Weather")}`, { ancestorOrigins: [impostor] }));
    expect(embedDonor(posing)).toBeUndefined();
    expect(embedDonor(embedSettings(frame("")))).toBeUndefined();
  });
});
