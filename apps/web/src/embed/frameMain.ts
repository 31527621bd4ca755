import type { BrowserVolunteer } from "@shoal/worker/browser";
import type { ConsentRecord, EmbedConsent } from "./embedConsent.ts";
import { ConsentStore } from "./embedConsent.ts";
import type { FromFrame } from "./embedMessages.ts";
import { parseToFrame } from "./embedMessages.ts";
import { embedDonor, embedSettings } from "./embedSettings.ts";
import "./frame.css";

/**
 * The embed frame, on the coordinator's origin inside the host page: it asks for consent, keeps
 * the visitor's answer in this origin's storage (per host origin), and runs the volunteer only
 * after a real click on Allow or Start here, never past the threads and CPU share the prompt
 * showed. The host can only ask to show the badge or pause.
 */
const settings = embedSettings({
  hash: location.hash,
  ancestorOrigins: location.ancestorOrigins ? [...location.ancestorOrigins] : undefined,
  referrer: document.referrer,
  framed: window.parent !== window,
});
const hostOrigin = settings.hostOrigin;
const donor = embedDonor(settings);
const consents = new ConsentStore(localStorage);
const badge = document.createElement("div");
badge.className = "b";
badge.hidden = true;
document.body.append(badge);

type View = "prompt" | "running" | "paused" | "hidden";
let view: View = "hidden";
let volunteer: BrowserVolunteer | undefined;
let visible = !supportsVisibilityTracking();

function tell(message: FromFrame): void {
  if (hostOrigin) window.parent.postMessage(message, hostOrigin);
}

function supportsVisibilityTracking(): boolean {
  return typeof IntersectionObserverEntry !== "undefined" && "isVisible" in IntersectionObserverEntry.prototype;
}

/** A click the visitor really made here, on a badge the browser says nobody covers or fades. */
function deliberate(event: MouseEvent): boolean {
  return event.isTrusted && (navigator.userActivation?.isActive ?? true) && visible;
}

function button(label: string, onClick: (event: MouseEvent) => void, quiet = false, needsSight = false): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  if (quiet) element.className = "n";
  if (needsSight) element.dataset.sight = "";
  element.disabled = needsSight && !visible;
  element.addEventListener("click", onClick);
  return element;
}

function text(content: string, className?: string): HTMLParagraphElement {
  const p = document.createElement("p");
  p.textContent = content;
  if (className) p.className = className;
  return p;
}

const status = text("");

function render(next: View): void {
  view = next;
  const row = document.createElement("div");
  row.className = "row";
  if (view === "prompt") {
    const where = location.host;
    badge.replaceChildren(
      text(`This site can lend your idle CPU to the Shoal research grid at ${where}. Nothing runs unless you agree.`),
      text(`Up to ${settings.threads} thread${settings.threads === 1 ? "" : "s"} at ${settings.cpuPercent}% CPU; stop or withdraw any time here.`, "why"),
      row,
    );
    row.append(button("Allow", allow, false, true), button("No thanks", decline, true));
  } else if (view === "running" || view === "paused") {
    badge.replaceChildren(status, row);
    status.textContent = view === "running" ? "Shoal: running" : "Shoal: paused";
    row.append(view === "running" ? button("Stop", pause, true) : button("Start", resume, false, true), button("Withdraw consent", decline, true));
  } else badge.replaceChildren();
  badge.hidden = view === "hidden";
  reportSize();
}

function reportSize(): void {
  const box = badge.getBoundingClientRect();
  const margin = badge.hidden ? 0 : 8;
  tell({ shoal: "size", width: badge.hidden ? 0 : Math.ceil(box.width) + margin, height: badge.hidden ? 0 : Math.ceil(box.height) + margin });
}

/** Records `consent` for this host, with the limits the visitor agreed to (the prompt's, when they click Allow). */
function decide(consent: EmbedConsent, limits: Pick<ConsentRecord, "threads" | "cpuPercent">): void {
  if (hostOrigin) consents.set(hostOrigin, { consent, threads: limits.threads, cpuPercent: limits.cpuPercent });
}

/** Starts the volunteer within the agreed limits, even if the host now asks for more. */
async function run(agreed: Pick<ConsentRecord, "threads" | "cpuPercent">): Promise<void> {
  if (!volunteer) {
    const threads = Math.min(settings.threads, agreed.threads);
    const cpuPercent = Math.min(settings.cpuPercent, agreed.cpuPercent);
    await import("@shoal/protocol/noEval");
    const { BrowserVolunteer, IdbShardStore } = await import("@shoal/worker/browser");
    volunteer ??= new BrowserVolunteer({
      coordinatorUrl: location.origin,
      store: await IdbShardStore.open(),
      settings: { threads, cpuPercent, pauseWhenHidden: false, pauseOnBattery: true },
      ...(donor === undefined ? {} : { donor }),
    });
  }
  // Stop, Withdraw or the host's pause may have come while the volunteer's code was loading.
  if (view === "running") await volunteer.start();
}

function allow(event: MouseEvent): void {
  if (!hostOrigin || !deliberate(event)) return;
  decide("allowed", settings);
  render("running");
  void run(settings);
}

function resume(event: MouseEvent): void {
  const agreed = hostOrigin ? consents.get(hostOrigin) : undefined;
  if (!hostOrigin || !agreed || !deliberate(event)) return;
  decide("allowed", agreed);
  render("running");
  void run(agreed);
}

function pause(): void {
  decide("paused", (hostOrigin ? consents.get(hostOrigin) : undefined) ?? settings);
  void volunteer?.stop();
  render("paused");
}

function decline(): void {
  decide("declined", settings);
  void volunteer?.stop();
  render("hidden");
}

if (supportsVisibilityTracking()) {
  const observer = new IntersectionObserver(
    (entries) => {
      const entry = entries.at(-1) as (IntersectionObserverEntry & { isVisible?: boolean }) | undefined;
      visible = entry?.isVisible === true && entry.intersectionRatio >= 0.99;
      for (const element of badge.querySelectorAll<HTMLButtonElement>("button[data-sight]")) element.disabled = !visible;
    },
    { threshold: [0, 0.99, 1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(badge);
}

window.addEventListener("message", (event: MessageEvent) => {
  if (!hostOrigin || event.source !== window.parent || event.origin !== hostOrigin) return;
  const message = parseToFrame(event.data);
  if (message?.shoal === "pause") {
    void volunteer?.stop();
    if (view === "running") render("paused");
  } else if (message?.shoal === "show") {
    const consent = consents.get(hostOrigin)?.consent;
    if (view !== "hidden") return;
    render(consent === undefined || consent === "declined" ? "prompt" : consent === "allowed" && volunteer ? "running" : "paused");
  }
});

setInterval(() => {
  if (!volunteer || view === "hidden") return;
  void volunteer.stats().then((stats) => {
    tell({ shoal: "stats", stats });
    if (view === "running") status.textContent = `Shoal: running · ${stats.tasksDone} tasks`;
  });
}, 1000);

const kept = hostOrigin ? consents.get(hostOrigin) : undefined;
if (kept?.consent === "allowed") {
  render("running");
  void run(kept);
} else if (kept?.consent === "paused") render("paused");
else if (kept === undefined && hostOrigin) render("prompt");
new ResizeObserver(reportSize).observe(badge);
tell({ shoal: "ready" });
