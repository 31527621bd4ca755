import { useCallback, useMemo, useState } from "react";
import { ShoalClient } from "@shoal/client";
import { Notice } from "../components/Notice.tsx";
import { ComparePage } from "../compare/ComparePage.tsx";
import { DatasetPage } from "../datasets/DatasetPage.tsx";
import { DatasetsPage } from "../datasets/DatasetsPage.tsx";
import { JobPage } from "../jobs/JobPage.tsx";
import { JobsPage } from "../jobs/JobsPage.tsx";
import { NewJobPage } from "../jobs/NewJobPage.tsx";
import { PeersPage } from "../peers/PeersPage.tsx";
import { Layout } from "./Layout.tsx";
import type { Route } from "./parseRoute.ts";
import type { Session } from "./SessionContext.ts";
import { SessionContext } from "./SessionContext.ts";
import { SignInPage } from "./SignInPage.tsx";
import { loadToken, saveToken } from "./tokenStore.ts";
import { useRoute } from "./useRoute.ts";

/** The job-author dashboard: sign-in until a token is accepted, then the page the address names. */
export function DashboardApp() {
  const route = useRoute();
  const [token, setToken] = useState(loadToken);
  const [reason, setReason] = useState<string>();

  const signOut = useCallback((why?: string) => {
    saveToken(undefined);
    setToken(undefined);
    setReason(why);
  }, []);
  const session = useMemo<Session | undefined>(() => (token ? { token, client: new ShoalClient({ url: location.origin, token }), signOut } : undefined), [token, signOut]);

  if (!session) {
    return (
      <SignInPage
        reason={reason}
        onSignedIn={(accepted) => {
          saveToken(accepted);
          setToken(accepted);
          setReason(undefined);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout route={route} onSignOut={() => signOut()}>
        <Page route={route} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "jobs":
      return <JobsPage />;
    case "new-job":
      // Keyed by the job it starts from: "New job" after "Fix and resubmit" opens a fresh form.
      return <NewJobPage key={route.from ?? ""} from={route.from} />;
    case "job":
      return <JobPage key={route.id} id={route.id} />;
    case "datasets":
      return <DatasetsPage />;
    case "dataset":
      return <DatasetPage key={route.id} id={route.id} />;
    case "peers":
      return <PeersPage />;
    case "compare":
      return <ComparePage key={`${route.a}/${route.b}`} a={route.a} b={route.b} />;
    case "not-found":
      return <Notice kind="error">There is no dashboard page at {route.path}.</Notice>;
  }
}
