// A small HTTP client on node:http with keep-alive, for the benchmark's own calls (setup, polling,
// large downloads). Load itself is generated with autocannon (see load.mjs).
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request. `discard: true` counts the body's bytes without keeping it (large results; `tail`
 * keeps its last 512 bytes, `countLines` counts its line feeds); otherwise the body is returned as text and, for JSON responses, parsed as `json`.
 */
export function request(
  url,
  { method = 'GET', headers = {}, body, discard = false, countLines = false, timeoutMs = 600_000 } = {},
) {
  return new Promise((resolve, reject) => {
    const payload =
      body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const allHeaders = { ...headers };
    if (payload !== undefined) {
      allHeaders['content-length'] = Buffer.byteLength(payload);
      if (!Object.keys(allHeaders).some((h) => h.toLowerCase() === 'content-type'))
        allHeaders['content-type'] = 'application/json';
    }
    const req = http.request(url, { method, headers: allHeaders, agent }, (res) => {
      let bytes = 0;
      let lines = 0;
      let tail = Buffer.alloc(0);
      const chunks = [];
      res.on('data', (chunk) => {
        bytes += chunk.length;
        if (!discard) chunks.push(chunk);
        else tail = chunk.length >= 512 ? chunk.subarray(chunk.length - 512) : Buffer.concat([tail, chunk]).subarray(-512);
        if (countLines) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      });
      res.on('end', () => {
        const out = { status: res.statusCode, headers: res.headers, bytes, lines };
        if (discard) out.tail = Buffer.from(tail).toString('utf8');
        if (!discard) {
          out.text = Buffer.concat(chunks).toString('utf8');
          if (String(res.headers['content-type'] ?? '').includes('json')) {
            try {
              out.json = JSON.parse(out.text);
            } catch {
              // left as text
            }
          }
        }
        resolve(out);
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Like `request`, but throws unless the status is the expected one; returns the parsed JSON. */
export async function expectJson(url, options = {}, expected = [200]) {
  const res = await request(url, options);
  if (!expected.includes(res.status)) {
    throw new Error(`${options.method ?? 'GET'} ${url}: HTTP ${res.status} ${String(res.text).slice(0, 500)}`);
  }
  return res.json;
}

export function bearer(token) {
  return { authorization: `Bearer ${token}` };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(check, { timeoutMs = 120_000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function destroyAgent() {
  agent.destroy();
}
