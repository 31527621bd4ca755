import "@shoal/protocol/noEval";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { LeaderboardPage } from "./LeaderboardPage.tsx";
import "../donor/donor.css";
import "./leaderboard.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <LeaderboardPage />
  </StrictMode>,
);
