const KEY = "shoal.authorToken";

/** The author token this browser signed in with, if any. */
export function loadToken(): string | undefined {
  try {
    return localStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the token in localStorage (this origin only), or forgets it when undefined. */
export function saveToken(token: string | undefined): void {
  try {
    if (token === undefined) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, token);
  } catch {
    // storage disabled: the session lasts as long as the page
  }
}
