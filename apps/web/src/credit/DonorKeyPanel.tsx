import { useState } from "react";
import { DONOR_LIMITS } from "@shoal/protocol/displayText";
import { isDonorKey, saveDonorKey } from "./donorKey.ts";
import { clearProfile } from "./donorProfile.ts";

/**
 * The donor key behind this browser's credit, to copy into `shoal worker --donor-key` or another
 * browser, and a field to take a key from elsewhere (the page reloads to reconnect under it).
 * Anyone holding the key holds the credit, so it stays folded away until asked for.
 */
export function DonorKeyPanel({ donorKey }: { donorKey: string }) {
  const [other, setOther] = useState("");
  const trimmed = other.trim();
  const valid = isDonorKey(trimmed);

  const use = (event: React.FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    saveDonorKey(trimmed);
    clearProfile();
    location.reload();
  };

  return (
    <details className="donor-key">
      <summary>Your donor key: keep your credit on other computers</summary>
      <p className="note">This secret holds your credit, name and team. Run a Node volunteer under it, or paste it into another browser. Do not share it.</p>
      <code data-testid="donor-key">{donorKey}</code>
      <p className="note">
        <code>npx shoal worker --coordinator {location.origin} --donor-key {donorKey}</code>
      </p>
      <form onSubmit={use} className="profile">
        <label>
          <span>Use a key from elsewhere</span>
          <input value={other} maxLength={DONOR_LIMITS.keyMaxChars + 8} onChange={(e) => setOther(e.target.value)} data-testid="other-key" aria-invalid={trimmed !== "" && !valid} autoComplete="off" />
        </label>
        <button type="submit" className="save" disabled={!valid} data-testid="use-key">
          Use this key
        </button>
      </form>
      {trimmed !== "" && !valid && (
        <p className="error">
          A donor key is {DONOR_LIMITS.keyMinChars} to {DONOR_LIMITS.keyMaxChars} letters, digits, _ or -.
        </p>
      )}
    </details>
  );
}
