// k6 side of the wire helper: http calls + decoding. The only lib file that imports k6 (so it is
// not loaded by vitest; what it calls is).
import http from 'k6/http';
import { batchUrl, decodeBatch, decodeResponse, headers, mutationRequest, parseJsonl, queryUrl } from './trpc-wire.js';

/** A decode failure becomes a failed answer (a failed check), not an exception that ends the VU. */
function safely(fn) {
  try {
    return fn();
  } catch (e) {
    return {
      ok: false,
      error: { code: 'WIRE_FORMAT', message: String(e && e.message), httpStatus: 0, path: null, fieldErrors: null, issues: null, data: {} },
    };
  }
}

function merge(params, extraHeaders) {
  const p = Object.assign({}, params || {});
  p.headers = Object.assign({}, extraHeaders, p.headers || {});
  return p;
}

/**
 * @param {{ baseUrl: string, apiKey?: string }} conn
 */
export function trpcClient(conn) {
  const auth = (key) => headers(key || conn.apiKey || undefined);
  return {
    /** One query; `out` is the decoded answer. */
    query(path, input, params) {
      const res = http.get(queryUrl(conn.baseUrl, path, input), merge(params, auth()));
      return { res, out: safely(() => decodeResponse(res.body)) };
    },
    /** A tRPC HTTP batch (`?batch=1`); `out` is one decoded answer per call. */
    batch(calls, params) {
      const res = http.get(batchUrl(conn.baseUrl, calls), merge(params, auth()));
      return { res, out: safely(() => decodeBatch(res.body)) };
    },
    /** A jsonl-streamed batch (read whole); async iterables arrive as arrays. */
    stream(calls, params) {
      const res = http.get(batchUrl(conn.baseUrl, calls), merge(params, headers(conn.apiKey || undefined, { stream: true })));
      return { res, out: safely(() => parseJsonl(res.body)) };
    },
    mutate(path, input, key, params) {
      const req = mutationRequest(conn.baseUrl, path, input, key || conn.apiKey || undefined);
      const res = http.post(req.url, req.body, merge(params, req.headers));
      return { res, out: safely(() => decodeResponse(res.body)) };
    },
    /** A plain route (/health, /metrics, /export/…). */
    raw(pathAndQuery, params) {
      return http.get(conn.baseUrl + pathAndQuery, merge(params, auth()));
    },
  };
}

/** Data of a successful answer, else null. */
export function dataOf(out) {
  return out && out.ok ? out.data : null;
}
