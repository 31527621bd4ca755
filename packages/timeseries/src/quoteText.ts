const LIMIT = 80;

/** Quotes untrusted text for an error message, shortening it so one huge cell cannot flood a log. */
export function quoteText(text: string): string {
  return JSON.stringify(text.length > LIMIT ? `${text.slice(0, LIMIT)}…` : text);
}
