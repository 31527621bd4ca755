import type { IceServer } from "@shoal/protocol";
import type { BufferedWire } from "../channel/SendQueue.ts";

/** The part of RTCDataChannel the connectivity check uses; the browser's and @roamhq/wrtc's both fit. */
export interface DataChannelLike extends BufferedWire {
  readonly readyState: string;
  send(data: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  close(): void;
}

/** An ICE candidate as it travels between two local peer connections. */
export interface CandidateLike {
  candidate: string;
}

/** The part of RTCPeerConnection the connectivity check uses; the browser's and @roamhq/wrtc's both fit. */
export interface PeerConnectionLike {
  createDataChannel(label: string): DataChannelLike;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(description: { type: string; sdp?: string }): Promise<void>;
  setRemoteDescription(description: { type: string; sdp?: string }): Promise<void>;
  addIceCandidate(candidate: CandidateLike): Promise<void>;
  readonly localDescription: { type: string; sdp?: string } | null;
  onicecandidate: ((event: { candidate: CandidateLike | null }) => void) | null;
  ondatachannel: ((event: { channel: DataChannelLike }) => void) | null;
  close(): void;
}

/** Makes a peer connection with the given ICE configuration: the runtime's RTCPeerConnection. */
export type MakePeerConnection = (config: { iceServers: IceServer[]; iceTransportPolicy: "all" | "relay" }) => PeerConnectionLike;
