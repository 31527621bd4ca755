import { createContext, useContext } from "react";
import type { ShoalClient } from "@shoal/client";

/** The signed-in author: an SDK client with their token, and a way out (with the reason to show on the sign-in page). */
export interface Session {
  client: ShoalClient;
  token: string;
  signOut(reason?: string): void;
}

/** Provided by the dashboard once a token is accepted. */
export const SessionContext = createContext<Session | undefined>(undefined);

/** The current session; pages only render inside one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in dashboard");
  return session;
}
