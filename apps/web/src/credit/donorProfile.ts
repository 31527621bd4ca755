import { DONOR_LIMITS, displayTextProblem } from "@shoal/protocol/displayText";

const STORAGE_KEY = "shoal.donor.profile";

/** The public name and team the donor chose; empty strings mean none. */
export interface ProfileDraft {
  name: string;
  team: string;
}

/** What is wrong with a draft, field by field, as the coordinator would say it; empty when nothing. */
export function profileProblems(draft: ProfileDraft): Partial<Record<keyof ProfileDraft, string>> {
  const problems: Partial<Record<keyof ProfileDraft, string>> = {};
  for (const field of ["name", "team"] as const) {
    const text = draft[field];
    const problem = text === "" ? undefined : displayTextProblem(text, DONOR_LIMITS.nameChars);
    if (problem) problems[field] = `The ${field} ${problem}.`;
  }
  return problems;
}

/** The draft as `POST /api/donor` takes it: empty fields left out. */
export function toProfile(draft: ProfileDraft): { name?: string; team?: string } {
  return { ...(draft.name ? { name: draft.name } : {}), ...(draft.team ? { team: draft.team } : {}) };
}

/**
 * The profile saved in this browser, or undefined when none was (or it is malformed, or holds what
 * the coordinator would refuse): then the page shows what the coordinator has for the key.
 */
export function loadProfile(storage: Pick<Storage, "getItem"> = localStorage): ProfileDraft | undefined {
  try {
    const text = storage.getItem(STORAGE_KEY);
    if (text === null) return undefined;
    const saved = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof saved.name !== "string" || typeof saved.team !== "string") return undefined;
    const draft = { name: saved.name, team: saved.team };
    return Object.keys(profileProblems(draft)).length === 0 ? draft : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the saved profile, when the browser takes another donor's key. */
export function clearProfile(storage: Pick<Storage, "removeItem"> = localStorage): void {
  storage.removeItem(STORAGE_KEY);
}

export function saveProfile(draft: ProfileDraft, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(draft));
}
