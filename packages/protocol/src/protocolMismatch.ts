import { PROTOCOL_VERSION } from "./messages.ts";

/**
 * What a coordinator tells a volunteer whose hello names another protocol version (and a volunteer
 * says of a coordinator's welcome): both versions, and which side to upgrade.
 */
export function protocolMismatch(volunteer: number, coordinator: number = PROTOCOL_VERSION): string {
  const versions = `this volunteer speaks Shoal protocol ${volunteer} and the coordinator protocol ${coordinator}`;
  return volunteer < coordinator
    ? `${versions}: please upgrade the volunteer (npm install -g shoal@latest, or reload the donor page)`
    : `${versions}: the coordinator is older; please upgrade it, or run a volunteer of its release`;
}
