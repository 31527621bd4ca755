import "@shoal/protocol/noEval";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { DashboardApp } from "./shell/DashboardApp.tsx";
import "uplot/dist/uPlot.min.css";
import "./dashboard.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <DashboardApp />
  </StrictMode>,
);
