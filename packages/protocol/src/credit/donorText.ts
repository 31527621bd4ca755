import { z } from "zod";
import { DONOR_LIMITS, displayTextProblem } from "./displayTextProblem.ts";

const displayText = (max: number) =>
  z.string().max(4 * max).superRefine((text, ctx) => {
    const problem = displayTextProblem(text, max);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** A donor key as it travels: letters, digits, `_` and `-`, 32 to 64 of them. */
export const donorKeySchema = z
  .string()
  .min(DONOR_LIMITS.keyMinChars)
  .max(DONOR_LIMITS.keyMaxChars)
  .regex(/^[A-Za-z0-9_-]+$/, "expected letters, digits, _ or -");

/** A public donor or team name. */
export const donorNameSchema = displayText(DONOR_LIMITS.nameChars);

/** An embedding site's public name. */
export const siteNameSchema = displayText(DONOR_LIMITS.siteChars);

/** Longest site origin a hello may carry. */
export const SITE_ORIGIN_CHARS = 256;

/**
 * The origin of an embedding site as the embed frame verified it: `http(s)://host[:port]` in
 * lower case, as `URL.origin` writes it (IPv6 hosts are not accepted).
 */
export const siteOriginSchema = z
  .string()
  .max(SITE_ORIGIN_CHARS)
  .regex(/^https?:\/\/[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[1-9][0-9]{0,4})?$/, "expected an http(s) origin such as https://news.example");
