/** Where a worker connection came from, for logs, and the shard URL base to tell it. */
export interface ChannelInfo {
  remote: string;
  shardBaseUrl: string;
}
