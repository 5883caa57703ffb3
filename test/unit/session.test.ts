import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NavienError } from '../../src/navien/errors';
import { NavienHttp } from '../../src/navien/http';
import { NavienSession, type SessionState } from '../../src/navien/session';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from '../../src/navien/token-store';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  startRestServer,
  type RestServer,
  type RestServerOptions,
} from '../../src/simulator/rest-server';
import { fakeClock, type FakeClock } from '../support/fake-clock';
import { rejection, waitFor } from '../support/wait';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('NavienSession', function () {
  const servers: RestServer[] = [];
  const sessions: NavienSession[] = [];
  /** Client-side clock; the server keeps real time. */
  let clock = T0;

  async function server(opts: RestServerOptions = {}): Promise<RestServer> {
    const s = await startRestServer(opts);
    servers.push(s);
    return s;
  }

  function session(
    rest: RestServer | string,
    extra: { password?: string; email?: string; store?: TokenStore; random?: () => number } = {},
  ): NavienSession {
    const http = new NavienHttp({
      baseUrl: typeof rest === 'string' ? rest : rest.url,
      maxAttempts: 1,
      timeoutMs: 2000,
    });
    const s = new NavienSession({
      http,
      email: extra.email ?? DEMO_EMAIL,
      password: extra.password ?? DEMO_PASSWORD,
      now: () => clock,
      random: extra.random ?? (() => 0.5),
      ...(extra.store ? { store: extra.store } : {}),
    });
    sessions.push(s);
    return s;
  }

  const listDevices = (s: NavienSession) =>
    s.request<unknown[]>({
      method: 'POST',
      path: '/device/list',
      body: { offset: 0, count: 20, userId: DEMO_EMAIL },
    });

  beforeEach(function () {
    clock = T0;
  });

  afterEach(async function () {
    for (const s of sessions.splice(0)) s.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('signs in lazily, once for 50 concurrent callers', async function () {
    const rest = await server();
    const s = session(rest);
    const states: string[] = [];
    s.on('state', (e: SessionState) => states.push(e.state));
    assert.equal(s.state.state, 'idle');
    assert.equal(rest.counts.total, 0);
    const results = await Promise.all(Array.from({ length: 50 }, () => listDevices(s)));
    assert.equal(results.length, 50);
    assert.equal(rest.counts.signIn, 1);
    assert.equal(rest.counts['/device/list'], 50);
    assert.equal(s.state.state, 'ready');
    assert.deepEqual(states, ['signing-in', 'ready']);
    assert.equal(s.userType, 'O');
  });

  it('refreshes once for 50 concurrent calls whose token the server expired', async function () {
    const rest = await server();
    const s = session(rest);
    await listDevices(s);
    rest.expireAllTokens();
    await Promise.all(Array.from({ length: 50 }, () => listDevices(s)));
    assert.equal(rest.counts.refresh, 1);
    assert.equal(rest.counts.signIn, 1);
    assert.equal(rest.counts['/device/list'], 1 + 50 + 50);
  });

  it('refreshes once for 50 concurrent calls when the local clock says the JWT expired', async function () {
    const rest = await server({ awsLifetimeSec: 7200 });
    const s = session(rest);
    await s.getTokens();
    clock += 56 * MIN;
    await Promise.all(Array.from({ length: 50 }, () => s.getTokens()));
    assert.equal(rest.counts.refresh, 1);
    assert.equal(rest.counts.signIn, 1);
  });

  it('refreshes 5 minutes before expiry, counted from the time the answer arrived', async function () {
    const rest = await server({ awsLifetimeSec: 7200 });
    rest.setFault('/user/sign-in', { delayMs: 300, times: 1 });
    const s = session(rest);
    // The clock moves 10 minutes while the sign-in answer is on its way.
    setTimeout(() => (clock += 10 * MIN), 100);
    await s.getTokens();
    const receivedAt = T0 + 10 * MIN;
    assert.equal((await s.getTokens()).issuedAt, receivedAt);
    clock = receivedAt + 55 * MIN - 1;
    await s.getTokens();
    assert.equal(rest.counts.refresh, 0);
    clock = receivedAt + 55 * MIN;
    await s.getTokens();
    assert.equal(rest.counts.refresh, 1);
  });

  it('signs in again (no refresh) when the AWS credentials expired', async function () {
    const rest = await server({ awsLifetimeSec: 1800, accessTokenLifetimeSec: 3600 });
    const s = session(rest);
    const first = s.awsCredentials();
    assert.equal(first, undefined);
    await s.getTokens();
    const before = s.awsCredentials();
    clock += 25 * MIN;
    await s.getTokens();
    assert.equal(rest.counts.signIn, 2);
    assert.equal(rest.counts.refresh, 0);
    assert.notEqual(s.awsCredentials()?.accessKeyId, before?.accessKeyId);
  });

  it('keeps AWS values and their receipt time when a refresh omits them', async function () {
    const rest = await server({ accessTokenLifetimeSec: 600, awsLifetimeSec: 3600 });
    const s = session(rest);
    const signedIn = await s.getTokens();
    const aws = s.awsCredentials();
    assert.ok(aws);
    assert.equal(aws.expiresAt, T0 + 3600_000 - 5 * MIN);
    clock += 6 * MIN;
    const refreshed = await s.getTokens();
    assert.equal(rest.counts.refresh, 1);
    assert.notEqual(refreshed.accessToken, signedIn.accessToken);
    assert.equal(refreshed.refreshToken, signedIn.refreshToken);
    assert.equal(refreshed.idToken === signedIn.idToken, false);
    assert.equal(refreshed.issuedAt, T0 + 6 * MIN);
    assert.equal(refreshed.awsIssuedAt, T0);
    assert.deepEqual(s.awsCredentials(), aws);
    // AWS expiry still counts from the original sign-in.
    clock = T0 + 55 * MIN;
    await s.getTokens();
    assert.equal(rest.counts.signIn, 2);
    assert.equal(rest.counts.refresh, 1);
  });

  it('takes new AWS values from a refresh that carries them', async function () {
    const rest = await server({ accessTokenLifetimeSec: 600, refreshReturnsAws: true });
    const s = session(rest);
    await s.getTokens();
    const aws = s.awsCredentials();
    clock += 6 * MIN;
    const refreshed = await s.getTokens();
    assert.equal(refreshed.awsIssuedAt, T0 + 6 * MIN);
    assert.notEqual(s.awsCredentials()?.accessKeyId, aws?.accessKeyId);
  });

  it('answers a 401 with one refresh and one retry', async function () {
    const rest = await server();
    const s = session(rest);
    await s.getTokens();
    rest.expireAllTokens();
    const list = await listDevices(s);
    assert.equal(list.length, 1);
    assert.equal(rest.counts.refresh, 1);
    assert.equal(rest.counts['/device/list'], 2);
  });

  it('reports a second 401 as NAVIEN_AUTH_FAILED with apiCode 401', async function () {
    const rest = await server();
    const s = session(rest);
    rest.setFault('/device/list', { bodyCode: 401 });
    const err = await rejection(listDevices(s));
    assert.equal(err.code, 'NAVIEN_AUTH_FAILED');
    assert.equal(err.apiCode, 401);
    assert.equal(rest.counts.refresh, 1);
    assert.equal(rest.counts['/device/list'], 2);
  });

  it('falls back to sign-in when the refresh token is rejected', async function () {
    const rest = await server({ awsLifetimeSec: 7200 });
    const s = session(rest);
    await s.getTokens();
    rest.setFault('/auth/refresh', { bodyCode: 401, times: 1 });
    clock += 56 * MIN;
    await s.getTokens();
    assert.equal(rest.counts.refresh, 1);
    assert.equal(rest.counts.signIn, 2);
  });

  it('rejects a bad password and then waits out a backoff without any HTTP call', async function () {
    const rest = await server();
    const s = session(rest, { password: 'wrong-password-123' });
    const states: SessionState[] = [];
    s.on('state', (e: SessionState) => states.push(e));
    const first = await rejection(s.getTokens());
    assert.equal(first.code, 'NAVIEN_INVALID_CREDENTIALS');
    assert.equal(first.retriable, false);
    assert.match(first.message, /Sign-in failed: Navien rejected the e-mail or password/);
    assert.equal(first.retryAfterMs, 15 * MIN);
    for (let i = 0; i < 20; i++) {
      clock += 1000;
      const again = await rejection(listDevices(s));
      assert.equal(again.code, 'NAVIEN_INVALID_CREDENTIALS');
      assert.ok((again.retryAfterMs ?? 0) > 0);
    }
    assert.equal(rest.counts.signIn, 1);
    assert.equal(rest.counts.total, 1);
    const failed = states.find((e) => e.state === 'auth-failed');
    assert.equal(failed?.retryAt, T0 + 15 * MIN);
  });

  it('makes at most 4 sign-in attempts in an hour with a bad password (15, 30, 60 min)', async function () {
    const rest = await server({ badCredentialsHttpStatus: 200 });
    const s = session(rest, { password: 'wrong' });
    const waits: number[] = [];
    for (let t = 0; t <= 60 * MIN; t += 30_000) {
      clock = T0 + t;
      const err = await rejection(s.getTokens());
      assert.equal(err.code, 'NAVIEN_INVALID_CREDENTIALS');
      if (rest.counts.signIn > waits.length) waits.push(err.retryAfterMs ?? 0);
    }
    assert.ok(rest.counts.signIn <= 4, `${rest.counts.signIn} attempts`);
    assert.deepEqual(waits, [15 * MIN, 30 * MIN, 60 * MIN]);
    clock = T0 + 45 * MIN + 60 * MIN;
    await rejection(s.getTokens());
    clock += 60 * MIN;
    const capped = await rejection(s.getTokens());
    assert.equal(capped.retryAfterMs, 60 * MIN);
  });

  it('backs off exponentially (2 s … 5 min) when sign-in hits server errors, then recovers', async function () {
    const rest = await server();
    rest.setFault('/user/sign-in', { status: 503 });
    const s = session(rest);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const err = await rejection(s.getTokens());
      assert.equal(err.code, 'NAVIEN_AUTH_FAILED');
      assert.equal(err.retriable, true);
      waits.push(err.retryAfterMs ?? -1);
      // Fails fast inside the window.
      const fast = await rejection(s.getTokens());
      assert.equal(fast.code, 'NAVIEN_AUTH_FAILED');
      assert.equal(rest.counts.signIn, i + 1);
      clock += err.retryAfterMs ?? 0;
    }
    assert.deepEqual(waits.slice(0, 5), [2000, 4000, 8000, 16000, 32000]);
    assert.equal(Math.max(...waits), 5 * MIN);
    assert.equal(s.state.state, 'backoff');
    rest.setFault('/user/sign-in', null);
    await s.getTokens();
    assert.equal(s.state.state, 'ready');
    // A success resets the backoff: the next failure waits 2 s again.
    rest.setFault('/user/sign-in', { status: 503 });
    await s.renewAwsCredentials('test').catch(() => undefined);
    const reset = await rejection(s.renewAwsCredentials('test'));
    assert.equal(reset.retryAfterMs, 2000);
  });

  it('backs off with NAVIEN_NETWORK when the server cannot be reached', async function () {
    const gone = await startRestServer();
    const url = gone.url;
    await gone.close();
    const s = session(url);
    const err = await rejection(s.getTokens());
    assert.equal(err.code, 'NAVIEN_NETWORK');
    assert.equal(err.retryAfterMs, 2000);
    const fast = await rejection(s.getTokens());
    assert.equal(fast.code, 'NAVIEN_NETWORK');
  });

  it('reports NAVIEN_NOT_CONFIGURED without any HTTP call', async function () {
    const rest = await server();
    const noPassword = session(rest, { password: '' });
    assert.equal((await rejection(noPassword.getTokens())).code, 'NAVIEN_NOT_CONFIGURED');
    const noEmail = session(rest, { email: '' });
    assert.equal((await rejection(listDevices(noEmail))).code, 'NAVIEN_NOT_CONFIGURED');
    assert.equal(rest.counts.total, 0);
  });

  it('renewAwsCredentials() forces one sign-in for concurrent callers', async function () {
    const rest = await server();
    const s = session(rest);
    await s.getTokens();
    const before = s.awsCredentials();
    await Promise.all(Array.from({ length: 5 }, () => s.renewAwsCredentials('forbidden')));
    assert.equal(rest.counts.signIn, 2);
    assert.notEqual(s.awsCredentials()?.accessKeyId, before?.accessKeyId);
    const issued = rest.awsCredentialsFor(s.awsCredentials()?.accessKeyId ?? '');
    assert.equal(issued?.secretKey, s.awsCredentials()?.secretKey);
  });

  it('reuses stored tokens after a restart (no sign-in)', async function () {
    const rest = await server();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'navien-session-'));
    try {
      const first = session(rest, { store: new FileTokenStore(dir, DEMO_EMAIL, rest.url) });
      await listDevices(first);
      first.close();
      const second = session(rest, { store: new FileTokenStore(dir, DEMO_EMAIL, rest.url) });
      await listDevices(second);
      assert.equal(second.state.state, 'ready');
      assert.equal(rest.counts.signIn, 1);
      assert.equal(rest.counts['/device/list'], 2);
      const [file] = await fs.readdir(dir);
      assert.equal((await fs.stat(path.join(dir, file))).mode & 0o777, 0o600);
      // Another account never picks these tokens up.
      const other = session(rest, {
        email: 'other@example.com',
        store: new FileTokenStore(dir, 'other@example.com', rest.url),
      });
      await rejection(other.getTokens());
      assert.equal(rest.counts.signIn, 2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('refreshes stored tokens whose JWT expired, and saves the result', async function () {
    const rest = await server({ awsLifetimeSec: 7200 });
    const store = new MemoryTokenStore();
    await session(rest, { store }).getTokens();
    clock += 58 * MIN;
    const restarted = session(rest, { store });
    const tokens = await restarted.getTokens();
    assert.equal(rest.counts.signIn, 1);
    assert.equal(rest.counts.refresh, 1);
    assert.equal((await store.load())?.accessToken, tokens.accessToken);
  });

  it('never puts the password or a token into an error message', async function () {
    const password = 'Sup3r-Secret-Pa55';
    const rest = await server({ accounts: [{ email: DEMO_EMAIL, password }] });
    const errors: NavienError[] = [];
    const good = session(rest, { password });
    await good.getTokens();
    rest.setFault('/device/list', { bodyCode: 401, times: 2 });
    errors.push(await rejection(listDevices(good)));
    rest.setFault('/device/list', { html: true, status: 500, times: 1 });
    errors.push(await rejection(listDevices(good)));
    rest.setFault('/device/list', { delayMs: 3000, times: 1 });
    errors.push(await rejection(listDevices(good)));
    const bad = session(rest, { password: `${password}x` });
    errors.push(await rejection(bad.getTokens()));
    errors.push(await rejection(bad.getTokens()));
    rest.setFault('/user/sign-in', { status: 500 });
    errors.push(await rejection(session(rest, { password }).getTokens()));
    const secrets = [
      password,
      ...rest
        .issuedTokens()
        .flatMap((t) => [t.accessToken, t.refreshToken, t.secretKey, t.sessionToken]),
    ];
    for (const err of errors) {
      const text = `${err.message} ${JSON.stringify(err.toJSON())} ${String(err.stack)} ${String(err.cause)}`;
      for (const secret of secrets) assert.ok(!text.includes(secret), `${err.code} leaks a secret`);
    }
    assert.deepEqual(
      errors.map((e) => e.code),
      [
        'NAVIEN_AUTH_FAILED',
        'NAVIEN_API_ERROR',
        'NAVIEN_TIMEOUT',
        'NAVIEN_INVALID_CREDENTIALS',
        'NAVIEN_INVALID_CREDENTIALS',
        'NAVIEN_AUTH_FAILED',
      ],
    );
  });

  it('close() aborts requests in flight and rejects later calls', async function () {
    const rest = await server();
    const s = session(rest);
    await s.getTokens();
    rest.setFault('/device/list', { delayMs: 5000 });
    const pending = listDevices(s);
    setTimeout(() => s.close(), 50);
    const started = Date.now();
    assert.equal((await rejection(pending)).code, 'NAVIEN_CANCELLED');
    assert.ok(Date.now() - started < 1000);
    assert.equal((await rejection(s.getTokens())).code, 'NAVIEN_CANCELLED');
    assert.equal((await rejection(s.renewAwsCredentials('x'))).code, 'NAVIEN_CANCELLED');
    assert.equal(s.state.state, 'idle');
  });

  it('close() aborts a sign-in in flight', async function () {
    const rest = await server();
    rest.setFault('/user/sign-in', { delayMs: 5000 });
    const s = session(rest);
    const pending = s.getTokens();
    setTimeout(() => s.close(), 50);
    assert.equal((await rejection(pending)).code, 'NAVIEN_CANCELLED');
  });

  describe('keep-fresh timer (fake clock, real REST server)', function () {
    let time: FakeClock;

    beforeEach(function () {
      time = fakeClock(T0);
    });

    function timedSession(rest: RestServer): NavienSession {
      const s = new NavienSession({
        http: new NavienHttp({ baseUrl: rest.url, maxAttempts: 1 }),
        email: DEMO_EMAIL,
        password: DEMO_PASSWORD,
        clock: time.clock,
      });
      sessions.push(s);
      return s;
    }

    it('refreshes the JWT at its margin while on, and stops when off', async function () {
      // 301 s lifetime − 300 s margin: due one second after receipt (+100 ms slack).
      const rest = await server({ accessTokenLifetimeSec: 301, awsLifetimeSec: 7200 });
      const s = timedSession(rest);
      await s.getTokens();
      s.setKeepFresh(true);
      time.fake.tick(1099);
      assert.equal(time.fake.countTimers(), 1, 'still waiting just before it is due');
      assert.equal(rest.counts.refresh, 0, 'not before it is due');
      time.fake.tick(1);
      await waitFor(() => rest.counts.refresh === 1, { what: 'the refresh' });
      await waitFor(() => time.fake.countTimers() === 1, { what: 'the next renewal armed' });
      assert.equal(rest.counts.refresh, 1);
      assert.equal(rest.counts.signIn, 1);
      s.setKeepFresh(false);
      assert.equal(time.fake.countTimers(), 0, 'off clears the timer');
      time.fake.tick(10 * MIN);
      assert.equal(rest.counts.refresh, 1);
    });

    it('signs in again at the AWS margin, and close() clears the timer', async function () {
      const rest = await server({ accessTokenLifetimeSec: 7200, awsLifetimeSec: 301 });
      const s = timedSession(rest);
      s.setKeepFresh(true);
      await s.getTokens();
      time.fake.tick(1099);
      assert.equal(time.fake.countTimers(), 1, 'still waiting just before it is due');
      assert.equal(rest.counts.signIn, 1, 'not before it is due');
      time.fake.tick(1);
      await waitFor(() => rest.counts.signIn === 2, { what: 'the second sign-in' });
      await waitFor(() => time.fake.countTimers() === 1, { what: 'the next renewal armed' });
      assert.equal(rest.counts.signIn, 2);
      assert.equal(rest.counts.refresh, 0);
      s.close();
      assert.equal(time.fake.countTimers(), 0, 'close clears the timer');
      time.fake.tick(10 * MIN);
      assert.equal(rest.counts.signIn, 2);
    });
  });
});
