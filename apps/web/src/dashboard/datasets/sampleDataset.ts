import sampleUrl from "../../../../../public/datasets/sp500.csv?url";

/** The bundled S&P 500 daily series (2000–2020) the templates run on, uploaded under the name `shoal submit` gives it. */
export const SAMPLE_DATASET = { name: "sp500", label: "S&P 500 daily, 2000–2020 (bundled sample)", url: sampleUrl };

/** The sample's CSV bytes, from the web app's own assets. */
export async function fetchSampleDataset(): Promise<Blob> {
  const response = await fetch(SAMPLE_DATASET.url);
  if (!response.ok) throw new Error(`cannot load the bundled sample (${SAMPLE_DATASET.url}: HTTP ${response.status})`);
  return response.blob();
}
