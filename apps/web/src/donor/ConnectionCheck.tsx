import { useState } from "react";
import type { ConnectivityReport } from "@shoal/worker/browser";
import { checkBrowserConnectivity, reportLines, reportPassed } from "@shoal/worker/browser";

/**
 * The donor page's "Check connection" panel: on a click, runs the connectivity self-test (the
 * coordinator over WebSocket, ICE candidates, a data channel through the TURN relay) and shows
 * what it found, including how other volunteers can reach this browser. Runs no tasks.
 */
export function ConnectionCheck() {
  const [report, setReport] = useState<ConnectivityReport>();
  const [checking, setChecking] = useState(false);

  const check = () => {
    setChecking(true);
    void checkBrowserConnectivity(location.origin)
      .then(setReport)
      .finally(() => setChecking(false));
  };

  return (
    <section className="connection" aria-live="polite">
      <div className="connection-head">
        <h2>Connection</h2>
        <button type="button" className="check-button" onClick={check} disabled={checking} data-testid="check-connection">
          {checking ? "Checking…" : "Check connection"}
        </button>
      </div>
      {!report && <p className="note">Checks that this browser reaches the coordinator, and whether other volunteers can reach it directly or through a relay.</p>}
      {report && (
        <>
          <p className={reportPassed(report) ? "verdict ok" : "verdict bad"} data-testid="connection-verdict">
            {reportPassed(report) ? "All checks passed" : "Some checks failed"}
          </p>
          <dl className="report" data-testid="connection-report">
            {reportLines(report).map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd data-testid={`connection-${label.toLowerCase().replace(/\s+/g, "-")}`}>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
    </section>
  );
}
