/** What the HTTP layer knows about a request's caller. */
export interface RequestInfo {
  ip: string;
  apiKey: string | null;
  /** A hash of apiKey, safe for rate-limit keys and logs. */
  apiKeyId: string | null;
  /**
   * Rate-limit checks this request already paid for, one per call: the HTTP fast path charges a hit
   * before answering it, and if it then hands the request to tRPC after all (a version moved while it
   * checked), tRPC must not charge those calls a second time. Shared by every call of the request.
   */
  prepaid?: { calls: number };
}
