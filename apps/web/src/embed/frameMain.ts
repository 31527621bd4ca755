import { BrowserVolunteer, IdbShardStore } from "@shoal/worker/browser";
import type { FromFrame, ToFrame } from "./embedMessages.ts";

/**
 * The embedded volunteer, on the coordinator's origin inside an iframe: only the loader on the
 * parent page (whose origin arrives in the address) may start or stop it, and it only sends stats back.
 */
const params = new URLSearchParams(location.hash.slice(1));
const hostOrigin = params.get("host") ?? "";
const threads = Math.max(1, Math.min(4, Number(params.get("threads")) || 1));
const cpuPercent = Math.max(10, Math.min(100, Number(params.get("cpu")) || 50));

function tell(message: FromFrame): void {
  if (hostOrigin && window.parent !== window) window.parent.postMessage(message, hostOrigin);
}

const store = await IdbShardStore.open();
const volunteer = new BrowserVolunteer({
  coordinatorUrl: location.origin,
  store,
  settings: { threads, cpuPercent, pauseWhenHidden: false, pauseOnBattery: true },
});

window.addEventListener("message", (event: MessageEvent<ToFrame>) => {
  if (event.source !== window.parent || event.origin !== hostOrigin) return;
  if (event.data?.shoal === "start") void volunteer.start();
  if (event.data?.shoal === "stop") void volunteer.stop();
});
setInterval(() => void volunteer.stats().then((stats) => tell({ shoal: "stats", stats })), 1000);
tell({ shoal: "ready" });
