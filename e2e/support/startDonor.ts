import type { Browser, Page } from "@playwright/test";
import { expect } from "@playwright/test";

/**
 * Opens the donor page of the grid at `url` in a fresh browser context, presses Start and waits
 * until it runs. `beforeLoad` sees the page before it navigates (to listen for its responses).
 */
export async function startDonor(browser: Browser, url: string, beforeLoad?: (page: Page) => void): Promise<Page> {
  const context = await browser.newContext();
  const donor = await context.newPage();
  beforeLoad?.(donor);
  await donor.goto(`${url}/`);
  await expect(donor.getByTestId("toggle")).toBeEnabled();
  await donor.getByTestId("toggle").click();
  await expect(donor.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  return donor;
}
