export { DONOR_LIMITS, displayTextProblem } from "./displayTextProblem.ts";
export { donorKeySchema, donorNameSchema, siteNameSchema, siteOriginSchema, SITE_ORIGIN_CHARS } from "./donorText.ts";
export { donorHelloSchema, type DonorHello } from "./DonorHello.ts";
export * from "./statsViews.ts";
export { parseDonorRequest, type DonorRequest } from "./DonorRequest.ts";
