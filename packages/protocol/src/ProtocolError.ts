/** A message broke the protocol: malformed, oversized or unknown. The receiver answers with an error and closes the channel. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}
