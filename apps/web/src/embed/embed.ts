/**
 * The Shoal embed loader (`embed.js`): one iframe on the coordinator's origin, fixed in the page's
 * corner and sized to the badge inside it. Consent is asked, kept and enforced in that frame; this
 * loader cannot start anything. `window.Shoal` offers show() (the badge, or the consent prompt),
 * pause() (for this page view) and on("stats", listener). Self-contained, leaving nothing but
 * `window.Shoal` behind.
 */
(() => {
  type Stats = { state: string; tasksDone: number; cpuMs: number };
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script?.src) return;
  const origin = new URL(script.src).origin;
  const listeners = new Set<(stats: Stats) => void>();
  const queued: Array<{ shoal: "show" | "pause" }> = [];
  let ready = false;

  const host = document.createElement("div");
  host.style.cssText = "position:fixed;right:4px;bottom:4px;z-index:2147483647;line-height:0";
  const frame = document.createElement("iframe");
  frame.title = "Shoal volunteer";
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin");
  frame.style.cssText = "border:0;width:0;height:0;background:transparent;color-scheme:light";
  const params = new URLSearchParams({ host: location.origin, threads: script.dataset.threads ?? "1", cpu: script.dataset.cpu ?? "50" });
  if (script.dataset.site) params.set("site", script.dataset.site);
  frame.src = `${origin}/embed-frame.html#${params}`;
  host.attachShadow({ mode: "open" }).append(frame);

  function send(message: { shoal: "show" | "pause" }): void {
    if (ready && frame.contentWindow) frame.contentWindow.postMessage(message, origin);
    else queued.push(message);
  }

  const size = (value: unknown, max: number) => `${Math.max(0, Math.min(max, Math.ceil(Number(value)) || 0))}px`;

  window.addEventListener("message", (event: MessageEvent) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    const data = event.data as { shoal?: unknown; width?: unknown; height?: unknown; stats?: Partial<Stats> } | null;
    if (data?.shoal === "ready") {
      ready = true;
      queued.splice(0).forEach(send);
    } else if (data?.shoal === "size") {
      frame.style.width = size(data.width, 360);
      frame.style.height = size(data.height, 240);
    } else if (data?.shoal === "stats" && data.stats) {
      const stats = { state: String(data.stats.state), tasksDone: Number(data.stats.tasksDone), cpuMs: Number(data.stats.cpuMs) };
      for (const listener of listeners) listener(stats);
    }
  });

  (window as unknown as { Shoal: unknown }).Shoal = {
    show: () => send({ shoal: "show" }),
    pause: () => send({ shoal: "pause" }),
    on(type: "stats", listener: (stats: Stats) => void): () => void {
      if (type === "stats") listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  const mount = () => document.body.append(host);
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
