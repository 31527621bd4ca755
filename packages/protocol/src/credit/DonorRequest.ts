import { z } from "zod";
import { donorKeySchema, donorNameSchema } from "./donorText.ts";

/** `POST /api/donor`: the donor's key, and optionally the public name and team to show (absent ones are cleared). */
export interface DonorRequest {
  key: string;
  profile?: { name?: string; team?: string };
}

const donorRequestSchema = z.strictObject({
  key: donorKeySchema,
  profile: z.strictObject({ name: donorNameSchema.optional(), team: donorNameSchema.optional() }).optional(),
});

/** Checks an untrusted `POST /api/donor` body; the string says what is wrong with it. */
export function parseDonorRequest(body: unknown): DonorRequest | string {
  const parsed = donorRequestSchema.safeParse(body);
  if (parsed.success) {
    const { key, profile } = parsed.data;
    if (profile === undefined) return { key };
    return { key, profile: { ...(profile.name === undefined ? {} : { name: profile.name }), ...(profile.team === undefined ? {} : { team: profile.team }) } };
  }
  const issue = parsed.error.issues[0];
  return `expected {key, profile?: {name?, team?}}: ${issue ? `${issue.path.join(".") || "body"} ${issue.message}` : "bad body"}`;
}
