// No zod here: the embed frame and the donor page check names with this before anything loads.

/** Limits of what a donor says about itself; every one is checked where it arrives. */
export const DONOR_LIMITS = {
  /** Characters of a donor key: 256 random bits in base64url are 43. */
  keyMinChars: 32,
  keyMaxChars: 64,
  /** Characters (code points) of a public donor or team name. */
  nameChars: 32,
  /** Characters of an embedding site's name (`data-site`). */
  siteChars: 64,
} as const;

/**
 * Letters, marks, digits, punctuation, symbols and single inner spaces only: no control
 * characters, no format characters (bidi overrides, zero-width joiners), no line separators.
 */
const SHOWN = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]+(?: [\p{L}\p{M}\p{N}\p{P}\p{S}]+)*$/u;

/**
 * Why `text` cannot be shown to others as a name of at most `max` characters, or undefined when
 * it can. Names are shown as text, never HTML; this keeps them to one short, plain line.
 */
export function displayTextProblem(text: string, max: number): string | undefined {
  if (text.length === 0) return "is empty";
  const chars = [...text].length;
  if (chars > max) return `has ${chars} characters; at most ${max} are allowed`;
  if (!SHOWN.test(text)) return "may hold only letters, digits, punctuation, symbols and single spaces between them (no control or direction characters)";
  return undefined;
}
