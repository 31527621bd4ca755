import type { DonorHello } from "@shoal/protocol";

/**
 * The site credit row a hello's `donor` names, or undefined when it names no site: the host
 * origin the embed frame verified, with the site's chosen name (`data-site`) in front as a label.
 * The origin is part of the row, so a site that takes another's name gets a row of its own
 * (`Lisbon Weather (https://impostor.example)`), never the other site's credit.
 */
export function siteAccount(donor: DonorHello): string | undefined {
  if (donor.siteOrigin === undefined) return undefined;
  return donor.site === undefined ? donor.siteOrigin : `${donor.site} (${donor.siteOrigin})`;
}
