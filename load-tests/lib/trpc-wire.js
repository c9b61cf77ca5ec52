// tRPC v11 HTTP wire format with the superjson transformer, spoken by hand.
//
// Plain ES module: no k6 imports and no Node-only APIs, so k6 scripts and vitest (against a real
// server) share exactly this code. Formats verified by test/trpc-wire.test.ts:
//   query     GET  /trpc/<path>?input=<urlencoded {"json":…}>
//   batch     GET  /trpc/<a>,<b>?batch=1&input=<urlencoded {"0":{"json":…},"1":{"json":…}}>
//   mutation  POST /trpc/<path>   body {"json":…}   (content-type: application/json)
//   answer    {"result":{"data":{"json":…,"meta":…}}}          (a batch: an array of these)
//   error     {"error":{"json":{message,code,data:{code,httpStatus,path,…}},"meta":…}}
//   streamed  header `trpc-accept: application/jsonl` on a batch: JSON Lines, see parseJsonl.

/** A failure to read the wire format (not an error the server answered with). */
export class WireFormatError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'WireFormatError';
  }
}

/** superjson meta naming a type this helper cannot rebuild (a class, a custom transformer, …). */
export class UnknownMetaError extends WireFormatError {
  /** @param {unknown} type @param {(string|number)[]} path */
  constructor(type, path) {
    super(`unknown superjson type ${JSON.stringify(type)} at "${path.join('.')}"`);
    this.name = 'UnknownMetaError';
    this.type = type;
    this.path = path;
  }
}

/**
 * @typedef {{ message: string, code: string, httpStatus: number, path: string | null,
 *   fieldErrors: Record<string, string[]> | null, issues: { path: string, message: string }[] | null,
 *   data: Record<string, unknown> }} DecodedError
 * @typedef {{ ok: true, data: unknown } | { ok: false, error: DecodedError, partial?: unknown[] }} Decoded
 * @typedef {{ path: string, input?: unknown }} Call
 */

/** @param {string} base */
function trpcRoot(base) {
  return base.replace(/\/+$/, '') + '/trpc/';
}

/**
 * Inputs are plain JSON: superjson sends them as {"json": value} without meta. Values JSON cannot
 * carry (Date, BigInt, NaN, ±Infinity, undefined inside arrays) would need meta: refuse them.
 * @param {unknown} value
 * @returns {{ json: unknown }}
 */
export function encodeInput(value) {
  /** @param {unknown} v @param {string} at */
  const check = (v, at) => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!isFinite(v)) throw new WireFormatError(`input ${at || '(root)'} is ${v}: not representable without superjson meta`);
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (v[i] === undefined) throw new WireFormatError(`input ${at}[${i}] is undefined`);
        check(v[i], `${at}[${i}]`);
      }
      return;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const k of Object.keys(/** @type {object} */ (v))) {
        const item = /** @type {Record<string, unknown>} */ (v)[k];
        if (item !== undefined) check(item, at ? `${at}.${k}` : k);
      }
      return;
    }
    throw new WireFormatError(`input ${at || '(root)'} is not plain JSON (${Object.prototype.toString.call(v)})`);
  };
  if (value !== undefined) check(value, '');
  return { json: value === undefined ? null : value };
}

/**
 * GET URL of one query. `input` undefined sends no input at all (procedures without input).
 * @param {string} base server origin, e.g. http://127.0.0.1:3000
 * @param {string} path procedure path, e.g. indicators.compute
 * @param {unknown} [input]
 */
export function queryUrl(base, path, input) {
  const url = trpcRoot(base) + path;
  return input === undefined ? url : `${url}?input=${encodeURIComponent(JSON.stringify(encodeInput(input)))}`;
}

/**
 * GET URL of a batch: the paths comma-joined, the inputs keyed by their position.
 * @param {string} base
 * @param {Call[]} calls
 */
export function batchUrl(base, calls) {
  if (calls.length === 0) throw new WireFormatError('a batch needs at least one call');
  /** @type {Record<string, { json: unknown }>} */
  const inputs = {};
  for (let i = 0; i < calls.length; i++) inputs[String(i)] = encodeInput(/** @type {Call} */ (calls[i]).input);
  const paths = calls.map((c) => c.path).join(',');
  return `${trpcRoot(base)}${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

/**
 * Headers for a call: the API key as a bearer token, JSON content type for bodies.
 * @param {string} [apiKey]
 * @param {{ stream?: boolean, body?: boolean }} [opts]
 * @returns {Record<string, string>}
 */
export function headers(apiKey, opts) {
  /** @type {Record<string, string>} */
  const out = {};
  if (apiKey) out['authorization'] = `Bearer ${apiKey}`;
  if (opts && opts.body) out['content-type'] = 'application/json';
  if (opts && opts.stream) out['trpc-accept'] = 'application/jsonl';
  return out;
}

/**
 * A mutation: POST to /trpc/<path> with body {"json": input}. tRPC answers 415 without a
 * content type, so the header is always set (even for input-less mutations like cache.clear).
 * @param {string} base
 * @param {string} path
 * @param {unknown} [input]
 * @param {string} [apiKey]
 */
export function mutationRequest(base, path, input, apiKey) {
  return {
    method: 'POST',
    url: trpcRoot(base) + path,
    body: JSON.stringify(encodeInput(input)),
    headers: headers(apiKey, { body: true }),
  };
}

// --- superjson ---------------------------------------------------------------------------------

/** superjson path strings: segments joined by '.', with '.' and '\' escaped by '\' (v ≥ 1). */
function parsePath(/** @type {string} */ s, /** @type {boolean} */ legacy) {
  /** @type {string[]} */
  const out = [];
  let seg = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '\\' && !legacy) {
      const next = s.charAt(i + 1);
      if (next !== '.' && next !== '\\') throw new WireFormatError(`invalid superjson path "${s}"`);
      seg += next;
      i++;
    } else if (c === '\\' && legacy && s.charAt(i + 1) === '.') {
      seg += '.';
      i++;
    } else if (c === '.') {
      out.push(seg);
      seg = '';
    } else seg += c;
  }
  out.push(seg);
  return out;
}

/** @param {unknown} value @param {unknown} type @param {(string|number)[]} path */
function untransform(value, type, path) {
  switch (type) {
    case 'undefined':
      return undefined;
    case 'number':
      if (value === 'NaN') return NaN;
      if (value === 'Infinity') return Infinity;
      if (value === '-Infinity') return -Infinity;
      if (value === '-0') return -0;
      break;
    case 'Date':
      return new Date(/** @type {string} */ (value));
    case 'bigint':
      return BigInt(/** @type {string} */ (value));
    case 'regexp': {
      const s = /** @type {string} */ (value);
      const end = s.lastIndexOf('/');
      return new RegExp(s.slice(1, end), s.slice(end + 1));
    }
    case 'set':
      return new Set(/** @type {unknown[]} */ (value));
    case 'map':
      return new Map(/** @type {[unknown, unknown][]} */ (value));
    case 'URL':
      return new URL(/** @type {string} */ (value));
    case 'Error': {
      const e = /** @type {{ name?: string, message?: string }} */ (value);
      const err = new Error(e.message);
      if (e.name) err.name = e.name;
      return err;
    }
  }
  throw new UnknownMetaError(type, path);
}

/** Replaces the value at `path` inside `root` by fn(old); a map/set on the way is walked by index. */
function setDeep(/** @type {unknown} */ root, /** @type {string[]} */ path, /** @type {(v: unknown) => unknown} */ fn) {
  if (path.length === 0) return fn(root);
  /** @type {any} */
  let parent = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = /** @type {string} */ (path[i]);
    if (parent instanceof Map || parent instanceof Set) parent = Array.from(parent)[Number(key)];
    else parent = parent == null ? undefined : parent[key];
    if (parent === null || typeof parent !== 'object')
      throw new WireFormatError(`superjson meta path "${path.join('.')}" not in the value`);
  }
  const last = /** @type {string} */ (path[path.length - 1]);
  if (Array.isArray(parent)) parent[Number(last)] = fn(parent[Number(last)]);
  else if (parent instanceof Map || parent instanceof Set) throw new UnknownMetaError('nested map/set annotation', path);
  else {
    const v = fn(parent[last]);
    if (v === undefined) delete parent[last];
    else parent[last] = v;
  }
  return root;
}

/**
 * superjson.deserialize for the types Wick can return: plain JSON (no meta), undefined, Date,
 * NaN/±Infinity/-0, bigint, regexp, Set, Map, URL, Error. Classes, symbols, typed arrays and
 * custom transformers raise UnknownMetaError rather than silently passing through wrong.
 * Referential equalities only restore object identity (the JSON already holds copies): ignored.
 * @param {{ json: unknown, meta?: { values?: unknown, v?: number } }} envelope
 */
export function deserialize(envelope) {
  if (envelope === null || typeof envelope !== 'object' || !('json' in envelope)) {
    throw new WireFormatError('expected a superjson envelope {"json": …}');
  }
  const meta = envelope.meta;
  if (!meta || meta.values === undefined) return envelope.json;
  // Rebuilt on a copy: the caller's envelope stays as it came off the wire.
  let value = JSON.parse(JSON.stringify(envelope.json === undefined ? null : envelope.json));
  const legacy = !(typeof meta.v === 'number' && meta.v >= 1);
  /** @param {unknown} tree @param {string[]} origin */
  const walk = (tree, origin) => {
    if (tree === null || tree === undefined) return;
    if (!Array.isArray(tree)) {
      for (const key of Object.keys(/** @type {object} */ (tree))) {
        walk(/** @type {Record<string, unknown>} */ (tree)[key], origin.concat(parsePath(key, legacy)));
      }
      return;
    }
    const type = tree[0];
    const children = tree[1];
    if (children !== undefined && (children === null || typeof children !== 'object' || Array.isArray(children))) {
      throw new WireFormatError(`bad superjson annotation at "${origin.join('.')}"`);
    }
    // Inner values first: a Map's entries are rebuilt before the Map itself.
    if (children) walk(children, origin);
    if (Array.isArray(type)) throw new UnknownMetaError(type, origin);
    value = setDeep(value, origin, (v) => untransform(v, type, origin));
  };
  walk(meta.values, []);
  return value;
}

// --- answers -----------------------------------------------------------------------------------

/** @param {unknown} shape an error's deserialized json: {message, code, data} */
function toDecodedError(shape) {
  const e = /** @type {{ message?: unknown, code?: unknown, data?: Record<string, unknown> }} */ (shape || {});
  const data = e.data || {};
  return {
    message: typeof e.message === 'string' ? e.message : '',
    code: typeof data.code === 'string' ? data.code : String(e.code),
    httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : 0,
    path: typeof data.path === 'string' ? data.path : null,
    fieldErrors: /** @type {Record<string, string[]> | null} */ (data.fieldErrors || null),
    issues: /** @type {{ path: string, message: string }[] | null} */ (data.issues || null),
    data,
  };
}

/**
 * One envelope of a (non-streamed) answer.
 * @param {unknown} item {"result":{"data":{json,meta}}} or {"error":{json,meta}}
 * @returns {Decoded}
 */
export function decodeEnvelope(item) {
  const it = /** @type {{ result?: { data?: unknown }, error?: unknown }} */ (item);
  if (it && typeof it === 'object' && it.result && typeof it.result === 'object' && 'data' in it.result) {
    return { ok: true, data: deserialize(/** @type {any} */ (it.result.data)) };
  }
  if (it && typeof it === 'object' && it.error) {
    return { ok: false, error: toDecodedError(deserialize(/** @type {any} */ (it.error))) };
  }
  throw new WireFormatError(`not a tRPC answer: ${JSON.stringify(item).slice(0, 200)}`);
}

/**
 * The body of a single query or mutation.
 * @param {string} body
 * @returns {Decoded}
 */
export function decodeResponse(body) {
  const parsed = parseJson(body);
  if (Array.isArray(parsed)) throw new WireFormatError('got a batch answer where one call was expected');
  return decodeEnvelope(parsed);
}

/**
 * The body of a batch: one Decoded per call, in call order (HTTP 207 when they disagree on status).
 * @param {string} body
 * @returns {Decoded[]}
 */
export function decodeBatch(body) {
  const parsed = parseJson(body);
  if (!Array.isArray(parsed)) throw new WireFormatError('expected a batch answer (a JSON array)');
  return parsed.map(decodeEnvelope);
}

/** @param {string} body */
function parseJson(body) {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new WireFormatError(`answer is not JSON: ${String(body).slice(0, 120)}`);
  }
}

// --- jsonl streams -----------------------------------------------------------------------------

const PROMISE = 0;
const ITERABLE = 1;

/**
 * A `trpc-accept: application/jsonl` batch answer, read whole, rebuilt into one Decoded per call.
 *
 * Each line is a superjson envelope. The first (the head) maps call index → encoded value; later
 * lines are chunks `[chunkId, status, encodedValue | error]`. An encoded value is
 * `[[value] | [], ...[key, kind, chunkId]]`: the value has placeholders where a key (null = the
 * value itself) is a promise (kind 0, status 0 fulfilled / 1 rejected) or an async iterable
 * (kind 1, status 1 yield / 0 return / 2 error), whose chunks follow. Whitespace between lines is
 * a keep-alive ping. Async iterables come back as arrays of what they yielded.
 * @param {string} body
 * @returns {Decoded[]}
 */
export function parseJsonl(body) {
  const lines = String(body)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) throw new WireFormatError('empty jsonl answer');
  const head = deserialize(parseJson(/** @type {string} */ (lines[0])));
  if (!head || typeof head !== 'object' || Array.isArray(head)) throw new WireFormatError('jsonl head is not an object');
  /** @type {Map<number, unknown[][]>} chunkId → its chunks in arrival order */
  const chunks = new Map();
  for (let i = 1; i < lines.length; i++) {
    const chunk = deserialize(parseJson(/** @type {string} */ (lines[i])));
    if (!Array.isArray(chunk) || typeof chunk[0] !== 'number') throw new WireFormatError(`bad jsonl chunk line ${i}`);
    const list = chunks.get(chunk[0]) || [];
    list.push(chunk);
    chunks.set(chunk[0], list);
  }

  /** @param {number} id @returns {unknown[][]} */
  const chunksOf = (id) => {
    const list = chunks.get(id);
    if (!list) throw new WireFormatError(`jsonl stream ended before chunk ${id} arrived (truncated answer?)`);
    return list;
  };

  /** Rebuilds an encoded value; throws {rejected: shape} for a rejected promise. */
  const rebuild = (/** @type {unknown} */ encoded) => {
    if (!Array.isArray(encoded) || !Array.isArray(encoded[0])) throw new WireFormatError('bad encoded value in jsonl');
    let value = encoded[0].length === 0 ? undefined : encoded[0][0];
    for (let i = 1; i < encoded.length; i++) {
      const def = /** @type {[string | number | null, number, number]} */ (encoded[i]);
      const resolved = resolveChunk(def[1], def[2]);
      if (def[0] === null) value = resolved;
      else /** @type {Record<string, unknown>} */ (value)[def[0]] = resolved;
    }
    return value;
  };

  /** @param {number} kind @param {number} id */
  const resolveChunk = (kind, id) => {
    const list = chunksOf(id);
    if (kind === PROMISE) {
      const c = /** @type {unknown[]} */ (list[0]);
      if (c[1] === 0) return rebuild(c[2]);
      throw new StreamRejection(c[2], []);
    }
    if (kind === ITERABLE) {
      /** @type {unknown[]} */
      const items = [];
      for (const c of list) {
        if (c[1] === 1) items.push(rebuild(c[2]));
        else if (c[1] === 0) return items;
        else throw new StreamRejection(c[2], items);
      }
      throw new WireFormatError(`jsonl iterable ${id} never finished (truncated answer?)`);
    }
    throw new WireFormatError(`unknown jsonl chunk kind ${kind}`);
  };

  const keys = Object.keys(head).sort((a, b) => Number(a) - Number(b));
  return keys.map((k) => {
    try {
      const envelope = rebuild(/** @type {Record<string, unknown>} */ (head)[k]);
      const env = /** @type {{ result?: { data?: unknown }, error?: unknown }} */ (envelope);
      if (env && env.result && 'data' in env.result) return /** @type {Decoded} */ ({ ok: true, data: env.result.data });
      if (env && env.error) return /** @type {Decoded} */ ({ ok: false, error: toDecodedError(env.error) });
      throw new WireFormatError(`jsonl call ${k} is neither result nor error`);
    } catch (e) {
      if (e instanceof StreamRejection) return /** @type {Decoded} */ ({ ok: false, error: toDecodedError(e.shape), partial: e.partial });
      throw e;
    }
  });
}

class StreamRejection extends Error {
  /** @param {unknown} shape @param {unknown[]} partial */
  constructor(shape, partial) {
    super('rejected in stream');
    this.shape = shape;
    this.partial = partial;
  }
}

// --- Wick answer shapes (used by k6 checks, verified against the real server) -----------------

/**
 * The cache status a Wick answer reports (`hit` | `miss` | `stale`), or null when it has none.
 * @param {unknown} data
 * @returns {string | null}
 */
export function cacheStatus(data) {
  const c = data && typeof data === 'object' ? /** @type {{ cache?: { status?: unknown } }} */ (data).cache : undefined;
  return c && typeof c.status === 'string' ? c.status : null;
}
