export { DONOR_LIMITS, displayTextProblem, donorKeySchema, donorNameSchema, siteNameSchema } from "./donorText.ts";
export { donorHelloSchema, type DonorHello } from "./DonorHello.ts";
export * from "./statsViews.ts";
export { parseDonorRequest, type DonorRequest } from "./DonorRequest.ts";
