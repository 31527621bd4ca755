import "@shoal/protocol/noEval";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { DonorPage } from "./DonorPage.tsx";
import "./donor.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <DonorPage />
  </StrictMode>,
);
