import type { FormEvent } from "react";
import { useState } from "react";
import { ShoalApiError, ShoalClient } from "@shoal/client";
import { describeError } from "../api/useApi.ts";

/** Asks for an author token and checks it against the coordinator before keeping it. */
export function SignInPage({ reason, onSignedIn }: { reason: string | undefined; onSignedIn: (token: string) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) return setError("Paste the author token the coordinator printed on its first start.");
    setChecking(true);
    setError(undefined);
    try {
      await new ShoalClient({ url: location.origin, token: candidate }).listJobs({ limit: 1 });
      onSignedIn(candidate);
    } catch (failure) {
      setError(failure instanceof ShoalApiError && failure.status === 401 ? "The coordinator refused this token (HTTP 401). Check for a typo, or ask the operator for one (npx shoal token create)." : describeError(failure));
      setChecking(false);
    }
  };

  return (
    <main className="signin">
      <h1>Shoal dashboard</h1>
      <p className="lead">Upload datasets, run Lua jobs on the grid's volunteers, and download their results.</p>
      <form onSubmit={submit} className="card">
        {reason && !error && (
          <p className="error" role="alert">
            {reason}
          </p>
        )}
        <label className="field">
          <span>Author token</span>
          <input type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="printed by the coordinator on first start" data-testid="token" />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        <button type="submit" disabled={checking} data-testid="sign-in">
          {checking ? "Checking…" : "Sign in"}
        </button>
        <p className="muted small">The token is kept in this browser's local storage for this site only. Operators create tokens with <code>npx shoal token create</code>.</p>
      </form>
    </main>
  );
}
