import { useEffect, useState } from "react";
import type { DonorStanding } from "@shoal/protocol";
import { formatCredit, postDonor } from "./creditApi.ts";
import { DonorKeyPanel } from "./DonorKeyPanel.tsx";
import type { ProfileDraft } from "./donorProfile.ts";
import { loadProfile, profileProblems, saveProfile, toProfile } from "./donorProfile.ts";

/** How often the donor's own credit is fetched again. */
const REFRESH_MS = 3_000;

/**
 * The donor's own credit and rank, and the optional public name and team bound to this browser's
 * donor key. Anonymous unless a name is saved; names are shown as text only. The profile is sent
 * once the coordinator knows the key (after the first connection), and again while it differs.
 */
export function DonorCredit({ donorKey, connected }: { donorKey: string; connected: boolean }) {
  // Undefined until the donor saves a profile in this browser: until then the coordinator's is shown and never overwritten.
  const [saved, setSaved] = useState<ProfileDraft | undefined>(loadProfile);
  const [draft, setDraft] = useState<ProfileDraft>(saved ?? { name: "", team: "" });
  const [standing, setStanding] = useState<DonorStanding>();
  const [message, setMessage] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const problems = profileProblems(draft);

  useEffect(() => {
    let stopped = false;
    const refresh = () => {
      const differs = saved !== undefined && ((standing?.name ?? "") !== saved.name || (standing?.team ?? "") !== saved.team);
      const request = connected && saved && differs ? { key: donorKey, profile: toProfile(saved) } : { key: donorKey };
      postDonor(request).then(
        (next) => {
          if (stopped) return;
          setStanding(next);
          setFailed(undefined);
          if (saved === undefined) setDraft((d) => (d.name === "" && d.team === "" ? { name: next.name ?? "", team: next.team ?? "" } : d));
        },
        (error: Error) => !stopped && setFailed(error.message),
      );
    };
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [donorKey, connected, saved, standing?.name, standing?.team]);

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    if (Object.keys(problems).length > 0) return;
    saveProfile(draft);
    setSaved(draft);
    setMessage(connected ? undefined : "Saved in this browser; it is shown on the leaderboard once you have donated.");
  };

  return (
    <section className="credit" aria-labelledby="credit-title">
      <h2 id="credit-title">Your credit</h2>
      <p className="standing">
        <strong data-testid="my-credit">{formatCredit(standing?.credit ?? 0)}</strong> credit
        {standing?.rank !== undefined && (
          <>
            {" "}
            · rank <strong data-testid="my-rank">#{standing.rank}</strong>
          </>
        )}{" "}
        · <a href="/leaderboard">leaderboard</a>
      </p>
      <p className="note">
        Credit counts results other donors' computers confirmed, by the size of each task; it is kept under a secret key in this browser, so you stay anonymous
        unless you choose a name.
      </p>
      <form onSubmit={save} className="profile">
        <label>
          <span>Public name (optional)</span>
          <input value={draft.name} maxLength={64} onChange={(e) => setDraft({ ...draft, name: e.target.value })} data-testid="donor-name" aria-invalid={problems.name !== undefined} />
        </label>
        <label>
          <span>Team (optional)</span>
          <input value={draft.team} maxLength={64} onChange={(e) => setDraft({ ...draft, team: e.target.value })} data-testid="donor-team" aria-invalid={problems.team !== undefined} />
        </label>
        <button type="submit" className="save" disabled={Object.keys(problems).length > 0} data-testid="save-profile">
          Save
        </button>
      </form>
      {[problems.name, problems.team, failed].filter(Boolean).map((text) => (
        <p className="error" key={text}>
          {text}
        </p>
      ))}
      {message && (standing?.name ?? "") !== saved?.name && <p className="note">{message}</p>}
      <DonorKeyPanel donorKey={donorKey} />
    </section>
  );
}
