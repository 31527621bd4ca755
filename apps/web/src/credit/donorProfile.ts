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

/** The profile kept in this browser, or an empty one (anything malformed there is ignored). */
export function loadProfile(storage: Pick<Storage, "getItem"> = localStorage): ProfileDraft {
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? "{}") as Partial<Record<string, unknown>>;
    const draft = { name: typeof saved.name === "string" ? saved.name : "", team: typeof saved.team === "string" ? saved.team : "" };
    return Object.keys(profileProblems(draft)).length === 0 ? draft : { name: "", team: "" };
  } catch {
    return { name: "", team: "" };
  }
}

export function saveProfile(draft: ProfileDraft, storage: Pick<Storage, "setItem"> = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(draft));
}
