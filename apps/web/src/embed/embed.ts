/**
 * The Shoal embed loader (`embed.js`): a consent badge on the host page, and after the visitor
 * opts in, the volunteer in an iframe on the coordinator's origin. Host and grid talk only by
 * origin-checked postMessage; `window.Shoal` offers start(), stop() and on("stats", listener).
 * Self-contained and wrapped in one function, so it leaves nothing but `window.Shoal` behind.
 */
(() => {
  type Stats = { state: string; tasksDone: number; cpuMs: number };
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script?.src) return;
  const origin = new URL(script.src).origin;
  const threads = script.dataset.threads ?? "1";
  const cpu = script.dataset.cpu ?? "50";
  const CONSENT = "shoal.embed.consent";
  const listeners = new Set<(stats: Stats) => void>();
  let frame: HTMLIFrameElement | undefined;
  let ready = false;
  let wantRunning = false;
  let lastStats: Stats | undefined;

  const host = document.createElement("div");
  host.style.cssText = "position:fixed;right:12px;bottom:12px;z-index:2147483647";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>
.b{font:13px/1.4 system-ui,sans-serif;background:#fff;color:#1c2430;border:1px solid #c9d3dc;border-radius:10px;padding:8px 10px;box-shadow:0 2px 8px rgba(0,0,0,.15);max-width:260px}
button{font:inherit;border:0;border-radius:6px;padding:4px 10px;margin:6px 6px 0 0;cursor:pointer;background:#0b7a4b;color:#fff}
button.n{background:#e6eaee;color:#1c2430}
</style><div class="b" part="badge"></div>`;
  const badge = root.querySelector(".b") as HTMLDivElement;

  function send(message: { shoal: "start" | "stop" }): void {
    if (frame?.contentWindow && ready) frame.contentWindow.postMessage(message, origin);
  }

  function render(): void {
    const consent = localStorage.getItem(CONSENT);
    if (consent !== "yes") {
      badge.innerHTML = `<div>This site can lend your idle CPU to the <b>Shoal</b> research grid at ${origin.replace(/^https?:\/\//, "")}. Nothing runs unless you agree.</div><button data-a="yes">Allow</button><button class="n" data-a="no">No thanks</button>`;
      return;
    }
    const running = wantRunning && lastStats?.state !== "stopped";
    badge.innerHTML = `<div>Shoal: ${running ? `running · ${lastStats?.tasksDone ?? 0} tasks` : "paused"}</div><button class="n" data-a="${running ? "stop" : "start"}">${running ? "Stop" : "Start"}</button>`;
  }

  function openFrame(): void {
    if (frame) return;
    frame = document.createElement("iframe");
    frame.title = "Shoal volunteer";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin");
    frame.style.cssText = "position:absolute;width:0;height:0;border:0;visibility:hidden";
    frame.src = `${origin}/embed-frame.html#host=${encodeURIComponent(location.origin)}&threads=${encodeURIComponent(threads)}&cpu=${encodeURIComponent(cpu)}`;
    root.appendChild(frame);
  }

  function start(): void {
    if (localStorage.getItem(CONSENT) !== "yes") return render();
    wantRunning = true;
    openFrame();
    send({ shoal: "start" });
    render();
  }

  function stop(): void {
    wantRunning = false;
    send({ shoal: "stop" });
    render();
  }

  window.addEventListener("message", (event: MessageEvent) => {
    if (event.origin !== origin || !frame || event.source !== frame.contentWindow) return;
    const data = event.data as { shoal?: string; stats?: Stats } | null;
    if (data?.shoal === "ready") {
      ready = true;
      if (wantRunning) send({ shoal: "start" });
    } else if (data?.shoal === "stats" && data.stats) {
      lastStats = { state: String(data.stats.state), tasksDone: Number(data.stats.tasksDone), cpuMs: Number(data.stats.cpuMs) };
      for (const listener of listeners) listener(lastStats);
      render();
    }
  });

  badge.addEventListener("click", (event) => {
    const action = (event.target as HTMLElement).dataset.a;
    if (action === "yes") {
      localStorage.setItem(CONSENT, "yes");
      start();
    } else if (action === "no") {
      localStorage.setItem(CONSENT, "no");
      host.remove();
    } else if (action === "start") start();
    else if (action === "stop") stop();
  });

  (window as unknown as { Shoal: unknown }).Shoal = {
    start,
    stop,
    on(type: "stats", listener: (stats: Stats) => void): () => void {
      if (type === "stats") listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get consented(): boolean {
      return localStorage.getItem(CONSENT) === "yes";
    },
  };

  const mount = () => {
    if (localStorage.getItem(CONSENT) === "no") return;
    document.body.appendChild(host);
    if (localStorage.getItem(CONSENT) === "yes") start();
    else render();
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
