import type { DonorRequest, DonorStanding, StatsBoard, StatsPage, StatsWindow } from "@shoal/protocol";

/** The coordinator's error text from a failed response, or its status. */
async function failure(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
  return new Error(typeof body?.error === "string" ? body.error : `the coordinator answered ${response.status}`);
}

/** `POST /api/donor`: the donor's standing, after setting its profile when one is given. */
export async function postDonor(request: DonorRequest): Promise<DonorStanding> {
  const response = await fetch("/api/donor", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request) });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as DonorStanding;
}

/** `GET /api/stats`: one page of a board. */
export async function getStats(board: StatsBoard, window: StatsWindow, offset = 0, limit = 50): Promise<StatsPage> {
  const query = new URLSearchParams({ board, window, offset: String(offset), limit: String(limit) });
  const response = await fetch(`/api/stats?${query}`);
  if (!response.ok) throw await failure(response);
  return (await response.json()) as StatsPage;
}

/** Credit units in words: "12,400". */
export function formatCredit(units: number): string {
  return units.toLocaleString("en-US");
}
