export { uploadDatasetFile } from "./uploadDatasetFile.ts";
