import assert from 'node:assert/strict';
import http from 'node:http';
import {
  DEMO_EMAIL,
  DEMO_PASSWORD,
  controllerSerialFor,
  generateDeviceEntry,
  generatedMac,
  startRestServer,
  type RestServer,
} from '../../src/simulator/rest-server';
import { waitFor } from '../support/wait';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: { code?: number; msg?: string; data?: unknown } | undefined;
}

/** Plain node:http client so the simulator is checked independently of NavienHttp. */
function call(
  server: RestServer,
  method: string,
  path: string,
  body?: unknown,
  authorization?: string,
): Promise<Answer> {
  const url = new URL(server.url + path);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Answer['json'];
          try {
            json = JSON.parse(text) as Answer['json'];
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function signIn(server: RestServer): Promise<Record<string, unknown>> {
  const answer = await call(server, 'POST', '/user/sign-in', {
    userId: DEMO_EMAIL,
    password: DEMO_PASSWORD,
  });
  assert.equal(answer.json?.code, 200);
  return (answer.json?.data as { token: Record<string, unknown> }).token;
}

describe('REST simulator', function () {
  const servers: RestServer[] = [];
  async function start(opts: Parameters<typeof startRestServer>[0] = {}): Promise<RestServer> {
    const s = await startRestServer(opts);
    servers.push(s);
    return s;
  }

  afterEach(async function () {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('listens on loopback only, under the API path prefix', async function () {
    const server = await start();
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/v2\.1$/);
    await assert.rejects(startRestServer({ host: '0.0.0.0' }), /loopback/);
  });

  it('keeps its request log bounded, newest last, so a long demo does not grow forever', async function () {
    const server = await start({ requestLogLimit: 5 });
    for (let i = 0; i < 8; i++) {
      await call(server, 'POST', '/user/sign-in', { userId: DEMO_EMAIL, password: `wrong-${i}` });
    }
    assert.equal(server.requests.length, 5);
    assert.equal(server.counts.signIn, 8);
    assert.deepEqual(
      server.requests
        .map((r) => r.at)
        .slice()
        .sort((a, b) => a - b),
      server.requests.map((r) => r.at),
    );
    assert.doesNotMatch(JSON.stringify(server.requests), /wrong-/, 'passwords are not logged');
  });

  it('signs in with the demo account and hands out a full token block', async function () {
    const server = await start();
    const answer = await call(server, 'POST', '/user/sign-in', {
      userId: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    const data = answer.json?.data as { userInfo: { userType: string }; token: object };
    assert.equal(answer.json?.msg, 'SUCCESS');
    assert.equal(data.userInfo.userType, 'O');
    assert.deepEqual(Object.keys(data.token).sort(), [
      'accessKeyId',
      'accessToken',
      'authenticationExpiresIn',
      'authorizationExpiresIn',
      'idToken',
      'refreshToken',
      'secretKey',
      'sessionToken',
    ]);
    assert.equal(server.counts.signIn, 1);
    assert.deepEqual(server.requests[0].body, { userId: DEMO_EMAIL });
    assert.equal(JSON.stringify(server.requests).includes(DEMO_PASSWORD), false);
  });

  it('rejects bad credentials with {code:401,"Invalid credentials"} (HTTP 401 or 200)', async function () {
    const server = await start();
    const bad = await call(server, 'POST', '/user/sign-in', { userId: DEMO_EMAIL, password: 'x' });
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, { code: 401, msg: 'Invalid credentials' });
    const lenient = await start({ badCredentialsHttpStatus: 200 });
    const again = await call(lenient, 'POST', '/user/sign-in', { userId: 'x@y.z', password: 'x' });
    assert.equal(again.status, 200);
    assert.equal(again.json?.code, 401);
  });

  it('refreshes with a flat block without AWS keys (unless asked), old token then rejected', async function () {
    const server = await start();
    const token = await signIn(server);
    const answer = await call(server, 'POST', '/auth/refresh', {
      refreshToken: token.refreshToken,
    });
    const data = answer.json?.data as Record<string, unknown>;
    assert.deepEqual(Object.keys(data).sort(), [
      'accessToken',
      'authenticationExpiresIn',
      'idToken',
      'refreshToken',
    ]);
    const old = await call(
      server,
      'POST',
      '/device/list',
      { userId: DEMO_EMAIL },
      String(token.accessToken),
    );
    assert.equal(old.json?.code, 401);
    const fresh = await call(
      server,
      'POST',
      '/device/list',
      { userId: DEMO_EMAIL },
      String(data.accessToken),
    );
    assert.equal(fresh.json?.code, 200);
    const bad = await call(server, 'POST', '/auth/refresh', { refreshToken: 'nope' });
    assert.equal(bad.json?.code, 401);

    const withAws = await start({ refreshReturnsAws: true });
    const t2 = await signIn(withAws);
    const r2 = await call(withAws, 'POST', '/auth/refresh', { refreshToken: t2.refreshToken });
    assert.ok((r2.json?.data as Record<string, unknown>).accessKeyId);
  });

  it('answers 401 to missing, unknown, Bearer-prefixed and expired tokens', async function () {
    const server = await start();
    const token = String((await signIn(server)).accessToken);
    const body = { offset: 0, count: 20, userId: DEMO_EMAIL };
    assert.equal((await call(server, 'POST', '/device/list', body)).json?.code, 401);
    assert.equal((await call(server, 'POST', '/device/list', body, 'made-up')).json?.code, 401);
    assert.equal(
      (await call(server, 'POST', '/device/list', body, `Bearer ${token}`)).json?.code,
      401,
    );
    assert.equal((await call(server, 'POST', '/device/list', body, token)).json?.code, 200);
    server.expireAllTokens();
    assert.equal((await call(server, 'POST', '/device/list', body, token)).json?.code, 401);
    assert.ok(server.issuedTokens().every((t) => t.expired));
    const other = await call(
      server,
      'POST',
      '/device/list',
      { ...body, userId: 'x@y.z' },
      String((await signIn(server)).accessToken),
    );
    assert.equal(other.json?.code, 403);
  });

  it('paginates the device list at 20 per page', async function () {
    const server = await start({ devices: 25 });
    const token = String((await signIn(server)).accessToken);
    const page = (offset: number, count: number) =>
      call(server, 'POST', '/device/list', { offset, count, userId: DEMO_EMAIL }, token).then(
        (a) => a.json?.data as unknown[],
      );
    assert.equal((await page(0, 50)).length, 20);
    assert.equal((await page(20, 20)).length, 5);
    assert.equal((await page(40, 20)).length, 0);
    assert.equal((await page(0, 1)).length, 1);
    assert.equal(server.counts['/device/list'], 4);
  });

  it('generates deterministic devices with valid MACs and controller serials', function () {
    const macs = Array.from({ length: 30 }, (_, i) => generatedMac(i));
    assert.ok(macs.every((m) => /^[0-9a-f]{12}$/.test(m)));
    assert.equal(new Set(macs).size, 30);
    assert.deepEqual(generateDeviceEntry(2), generateDeviceEntry(2));
    assert.equal(generateDeviceEntry(2).deviceInfo.deviceName, 'Water Heater 3');
    assert.equal(controllerSerialFor(macs[0]), controllerSerialFor(macs[0].toUpperCase()));
    assert.match(controllerSerialFor(macs[0]), /^\d{8}[A-Z]{2}\d{8}$/);
    assert.notEqual(controllerSerialFor(macs[0]), controllerSerialFor(macs[1]));
  });

  it('answers device info, firmware and TOU in the documented shapes; 404 for unknown MACs', async function () {
    const server = await start({ devices: 2 });
    const token = String((await signIn(server)).accessToken);
    const mac = generatedMac(1);
    const device = { macAddress: mac, additionalValue: '7794', userId: DEMO_EMAIL };
    const info = await call(server, 'POST', '/device/info', device, token);
    assert.deepEqual(Object.keys(info.json?.data as object).sort(), [
      'alarmInfo',
      'descaling',
      'deviceInfo',
      'installer',
      'location',
    ]);
    const fw = await call(server, 'POST', '/device/firmware/info', device, token);
    assert.equal((fw.json?.data as { firmwares: unknown[] }).firmwares.length, 3);
    const unknown = await call(
      server,
      'POST',
      '/device/info',
      { ...device, macAddress: '001122334455' },
      token,
    );
    assert.deepEqual(unknown.json, { code: 404, msg: 'NOT_FOUND', data: null });
    assert.equal(unknown.status, 404);

    const serial = controllerSerialFor(mac);
    const query = `additionalValue=7794&controllerId=${serial}&macAddress=${mac}&userId=${encodeURIComponent(DEMO_EMAIL)}&userType=O`;
    const tou = await call(server, 'GET', `/device/tou?${query}`, undefined, token);
    const data = tou.json?.data as { registerPath: string; touInfo: { controllerId: string } };
    assert.equal(data.registerPath, 'wifi');
    assert.equal(data.touInfo.controllerId, serial);
    const missing = await call(server, 'GET', `/device/tou?macAddress=${mac}`, undefined, token);
    assert.equal(missing.json?.code, 400);
  });

  it('uses touByMac / firmwareByMac overrides', async function () {
    const server = await start({
      touByMac: () => undefined,
      firmwareByMac: () => [{ curSwCode: 6, curVersion: 1 }],
    });
    const token = String((await signIn(server)).accessToken);
    const mac = generatedMac(0);
    const fw = await call(
      server,
      'POST',
      '/device/firmware/info',
      { macAddress: mac, userId: DEMO_EMAIL },
      token,
    );
    assert.deepEqual(fw.json?.data, { firmwares: [{ curSwCode: 6, curVersion: 1 }] });
    const tou = await call(
      server,
      'GET',
      `/device/tou?controllerId=x&macAddress=${mac}`,
      undefined,
      token,
    );
    assert.equal(tou.json?.code, 404);
  });

  it('injects faults: status + Retry-After, HTML, invalid JSON, times, and clears them', async function () {
    const server = await start();
    server.setFault('/user/sign-in', { status: 429, retryAfter: '3', times: 1 });
    const limited = await call(server, 'POST', '/user/sign-in', {});
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '3');
    assert.equal(limited.json?.code, 429);
    assert.equal(
      (await call(server, 'POST', '/user/sign-in', { userId: DEMO_EMAIL, password: DEMO_PASSWORD }))
        .status,
      200,
    );

    server.setFault('*', { status: 502, html: true });
    const html = await call(server, 'POST', '/device/list', {});
    assert.equal(html.status, 502);
    assert.match(String(html.headers['content-type']), /text\/html/);
    server.setFault('*', { invalidJson: true });
    assert.equal((await call(server, 'POST', '/device/list', {})).json, undefined);
    server.setFault('*', null);
    assert.equal((await call(server, 'POST', '/device/list', {})).json?.code, 401);
    assert.equal(server.counts.signIn, 2);
    assert.equal(server.counts.total, 5);
  });

  it('close() ends connections held open by a delayed answer', async function () {
    const server = await startRestServer();
    server.setFault('*', { delayMs: 10_000 });
    const pending = call(server, 'POST', '/user/sign-in', {}).then(
      () => 'answered',
      () => 'reset',
    );
    // The request is logged before the fault delays its answer: the server now holds it open.
    await waitFor(() => server.counts.signIn === 1, { what: 'the sign-in to arrive' });
    const started = Date.now();
    await server.close();
    assert.equal(await pending, 'reset');
    assert.ok(Date.now() - started < 1000);
  });
});
