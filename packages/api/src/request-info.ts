/** What the HTTP layer knows about a request's caller. */
export interface RequestInfo {
  ip: string;
  apiKey: string | null;
  /** A hash of apiKey, safe for rate-limit keys and logs. */
  apiKeyId: string | null;
}
