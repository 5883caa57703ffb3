import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NavienHttp, parseRetryAfter } from '../../src/navien/http';
import { startRestServer, type RestServer } from '../../src/simulator/rest-server';
import { rejection } from '../support/wait';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A bare loopback server answering whatever the test says, for shapes the simulator never sends. */
async function startRawServer(
  answer: (seen: Seen, res: http.ServerResponse) => void,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v2.1`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('NavienHttp', function () {
  let rest: RestServer;
  let raw: Awaited<ReturnType<typeof startRawServer>> | undefined;
  const sleeps: number[] = [];
  const recordSleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return Promise.resolve();
  };

  beforeEach(async function () {
    sleeps.length = 0;
    rest = await startRestServer();
  });

  afterEach(async function () {
    await rest.close();
    await raw?.close();
    raw = undefined;
  });

  it('sends JSON with the raw token (no Bearer) and drops null/undefined keys', async function () {
    raw = await startRawServer((_seen, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 200, msg: 'SUCCESS', data: { ok: true } }));
    });
    const client = new NavienHttp({ baseUrl: raw.url });
    const data = await client.request<{ ok: boolean }>({
      method: 'POST',
      path: '/device/info',
      body: { macAddress: 'a4c1382f09be', additionalValue: null, extra: undefined, userId: 'x' },
      token: 'tok-123',
    });
    assert.deepEqual(data, { ok: true });
    await client.request({
      method: 'GET',
      path: '/device/tou',
      query: { a: '1', b: undefined, c: null },
    });
    const [post, get] = raw.seen;
    assert.equal(post.url, '/api/v2.1/device/info');
    assert.equal(post.headers.authorization, 'tok-123');
    assert.match(String(post.headers['content-type']), /application\/json/);
    assert.deepEqual(JSON.parse(post.body), { macAddress: 'a4c1382f09be', userId: 'x' });
    assert.equal(get.url, '/api/v2.1/device/tou?a=1');
    assert.equal(get.headers.authorization, undefined);
  });

  it('treats a body code 401 inside HTTP 200 as NAVIEN_AUTH_FAILED with apiCode 401', async function () {
    rest.setFault('/device/list', { bodyCode: 401 });
    const client = new NavienHttp({ baseUrl: rest.url });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_AUTH_FAILED');
    assert.equal(err.apiCode, 401);
    assert.equal(err.httpStatus, 200);
  });

  it('maps other failure codes to NAVIEN_API_ERROR with the API code and msg', async function () {
    const client = new NavienHttp({ baseUrl: rest.url });
    const err = await rejection(client.request({ method: 'POST', path: '/no/such/path' }));
    assert.equal(err.code, 'NAVIEN_API_ERROR');
    assert.equal(err.apiCode, 404);
    assert.match(err.message, /404/);
    assert.match(err.message, /NOT_FOUND/);
    assert.equal(rest.counts['/no/such/path'], 1, '4xx is not retried');
  });

  it('reports an HTML page clearly, with the HTTP status and without dumping it', async function () {
    rest.setFault('*', { status: 502, html: true });
    const client = new NavienHttp({ baseUrl: rest.url, sleep: recordSleep });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_API_ERROR');
    assert.match(err.message, /HTML page/);
    assert.match(err.message, /HTTP 502/);
    assert.doesNotMatch(err.message, /<html|DOCTYPE/i);
    assert.equal(rest.counts['/device/list'], 3, 'a 502 page is retried');
  });

  it('reports invalid JSON clearly', async function () {
    rest.setFault('*', { status: 200, invalidJson: true });
    const client = new NavienHttp({ baseUrl: rest.url, sleep: recordSleep });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_API_ERROR');
    assert.match(err.message, /invalid JSON \(HTTP 200\)/);
    assert.equal(rest.counts['/device/list'], 1);
  });

  it('fails with NAVIEN_TIMEOUT when the server is too slow', async function () {
    rest.setFault('*', { delayMs: 2000 });
    const client = new NavienHttp({ baseUrl: rest.url, timeoutMs: 100, sleep: recordSleep });
    const started = Date.now();
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_TIMEOUT');
    assert.ok(Date.now() - started < 1500);
  });

  it('fails with NAVIEN_NETWORK when the connection is refused, after retrying', async function () {
    const gone = await startRestServer();
    const url = gone.url;
    await gone.close();
    const client = new NavienHttp({ baseUrl: url, sleep: recordSleep, random: () => 0.5 });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_NETWORK');
    assert.equal(err.retriable, true);
    assert.match(err.message, /ECONNREFUSED/);
    assert.deepEqual(sleeps, [1000, 2000]);
  });

  it('fails with NAVIEN_CANCELLED when the signal aborts', async function () {
    rest.setFault('*', { delayMs: 2000 });
    const client = new NavienHttp({ baseUrl: rest.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(
      client.request({ method: 'POST', path: '/device/list', signal: controller.signal }),
    );
    assert.equal(err.code, 'NAVIEN_CANCELLED');
  });

  it('retries 429 and then succeeds', async function () {
    rest.setFault('/device/list', { status: 429, times: 2 });
    const client = new NavienHttp({ baseUrl: rest.url, sleep: recordSleep, random: () => 0.5 });
    const signIn = await client.request<{ token: { accessToken: string } }>({
      method: 'POST',
      path: '/user/sign-in',
      body: { userId: 'demo@example.com', password: 'demo-password' },
    });
    const list = await client.request<unknown[]>({
      method: 'POST',
      path: '/device/list',
      body: { offset: 0, count: 20, userId: 'demo@example.com' },
      token: signIn.token.accessToken,
    });
    assert.equal(list.length, 1);
    assert.equal(rest.counts['/device/list'], 3);
    assert.deepEqual(sleeps, [1000, 2000]);
  });

  it('gives up on a lasting 429 with NAVIEN_RATE_LIMITED', async function () {
    rest.setFault('*', { status: 429 });
    const client = new NavienHttp({ baseUrl: rest.url, sleep: recordSleep });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_RATE_LIMITED');
    assert.equal(rest.counts['/device/list'], 3);
  });

  it('backs off exponentially on 5xx (with jitter) and stops after maxAttempts', async function () {
    rest.setFault('*', { status: 500 });
    const jitter = [0, 0.999, 0.5];
    const client = new NavienHttp({
      baseUrl: rest.url,
      maxAttempts: 4,
      sleep: recordSleep,
      random: () => jitter.shift() ?? 0.5,
    });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_API_ERROR');
    assert.equal(err.apiCode, 500);
    assert.equal(rest.counts['/device/list'], 4);
    assert.equal(sleeps.length, 3);
    assert.equal(sleeps[0], 500); // 1000 × 0.5
    assert.ok(Math.abs(sleeps[1] - 2000 * 1.499) < 1);
    assert.equal(sleeps[2], 4000);
  });

  it('honours Retry-After in seconds and as an HTTP date', async function () {
    rest.setFault('/device/list', { status: 503, retryAfter: '7', times: 1 });
    const client = new NavienHttp({ baseUrl: rest.url, sleep: recordSleep });
    await rejection(client.request({ method: 'POST', path: '/device/list' })); // then 401: no token
    assert.equal(sleeps[0], 7000);
    sleeps.length = 0;
    const at = new Date(Date.now() + 20_000).toUTCString();
    rest.setFault('/device/list', { status: 429, retryAfter: at, times: 1 });
    await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.ok(sleeps[0] > 18_000 && sleeps[0] <= 20_000, `waited ${sleeps[0]}`);
  });

  it('really waits for Retry-After with the default sleep', async function () {
    rest.setFault('/device/list', { status: 503, retryAfter: '1', times: 1 });
    const client = new NavienHttp({ baseUrl: rest.url });
    await rejection(client.request({ method: 'POST', path: '/device/list' }));
    const [first, second] = rest.requests;
    assert.ok(second.at - first.at >= 950, `gap was ${second.at - first.at} ms`);
  });

  it('fails at once with retryAfterMs when Retry-After exceeds what we wait', async function () {
    rest.setFault('*', { status: 429, retryAfter: '600' });
    const client = new NavienHttp({ baseUrl: rest.url, sleep: recordSleep });
    const err = await rejection(client.request({ method: 'POST', path: '/device/list' }));
    assert.equal(err.code, 'NAVIEN_RATE_LIMITED');
    assert.equal(err.retryAfterMs, 600_000);
    assert.equal(rest.counts['/device/list'], 1);
    assert.deepEqual(sleeps, []);
  });

  it('parses Retry-After values', function () {
    assert.equal(parseRetryAfter('120'), 120_000);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 27)),
      60_000,
    );
  });

  it('never puts the password or token into error messages', async function () {
    rest.setFault('*', { status: 500, bodyCode: 500 });
    const client = new NavienHttp({ baseUrl: rest.url, maxAttempts: 1 });
    const err = await rejection(
      client.request({
        method: 'POST',
        path: '/user/sign-in',
        body: { userId: 'demo@example.com', password: 'hunter2-secret' },
        token: 'tok-secret-value',
      }),
    );
    const text = JSON.stringify(err.toJSON()) + String(err.stack) + String(err.cause);
    assert.doesNotMatch(text, /hunter2-secret|tok-secret-value/);
  });
});
