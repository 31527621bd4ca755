import type { DonorHello } from "@shoal/protocol";
import { DONOR_LIMITS, displayTextProblem } from "@shoal/protocol/displayText";

/** What the snippet's data attributes ask of the visitor, within the frame's bounds. */
export interface EmbedSettings {
  /** Origin of the page framing us, as checked by {@link hostOriginOf}; undefined when unknown or forged. */
  hostOrigin: string | undefined;
  /** Executor threads, 1–4 (`data-threads`). */
  threads: number;
  /** Share of each thread's time spent computing, 10–100 (`data-cpu`). */
  cpuPercent: number;
  /** The site's public name (`data-site`), credited with its visitors' accepted work; undefined when absent or not plain text. */
  site: string | undefined;
}

/**
 * Whom the frame's volunteer credits: the verified host origin, named by `data-site`. Nothing
 * without a verified origin, and nothing when the site gave no name (its visitors stay anonymous),
 * so a site can only ever name its own origin's row.
 */
export function embedDonor(settings: EmbedSettings): DonorHello | undefined {
  if (settings.hostOrigin === undefined || settings.site === undefined) return undefined;
  return { site: settings.site, siteOrigin: settings.hostOrigin };
}

/** Where the frame learns who frames it: the address it was given, and what the browser says. */
export interface FrameContext {
  /** The fragment of the frame's address, `host=…&threads=…&cpu=…`, written by the loader (or anyone). */
  hash: string;
  /** `location.ancestorOrigins` where the browser has it (Chromium, Safari): the parent's real origin first. */
  ancestorOrigins: readonly string[] | undefined;
  /** `document.referrer`: the parent's address or origin when the browser sends it. */
  referrer: string;
  /** False when the frame was opened as a top-level page. */
  framed: boolean;
}

/**
 * Reads the frame's settings. The host origin in the address is only a claim: it must match the
 * parent origin the browser reports (ancestorOrigins, else the referrer), so a site cannot pose as
 * another one to reuse the consent given there.
 */
export function embedSettings(context: FrameContext): EmbedSettings {
  const params = new URLSearchParams(context.hash.replace(/^#/, ""));
  const threads = Math.round(Math.max(1, Math.min(4, Number(params.get("threads")) || 1)));
  const cpuPercent = Math.round(Math.max(10, Math.min(100, Number(params.get("cpu")) || 50)));
  const site = params.get("site") ?? undefined;
  const named = site !== undefined && displayTextProblem(site, DONOR_LIMITS.siteChars) === undefined ? site : undefined;
  return { hostOrigin: hostOriginOf(params.get("host"), context), threads, cpuPercent, site: named };
}

function hostOriginOf(claimed: string | null, context: FrameContext): string | undefined {
  if (!context.framed) return undefined;
  const claim = claimed === null ? undefined : originOf(claimed);
  if (claimed !== null && claim !== claimed) return undefined;
  const parent = context.ancestorOrigins?.[0] ?? originOf(context.referrer);
  if (parent !== undefined && parent !== originOf(parent)) return undefined;
  if (claim !== undefined && parent !== undefined) return claim === parent ? claim : undefined;
  return parent ?? claim;
}

/** The http(s) origin of `url`, or undefined. */
function originOf(url: string): string | undefined {
  if (url.length > 2048) return undefined;
  try {
    const { protocol, origin } = new URL(url);
    return protocol === "http:" || protocol === "https:" ? origin : undefined;
  } catch {
    return undefined;
  }
}
