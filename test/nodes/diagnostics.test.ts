// The account's diagnostics (issue 14) through the admin endpoint of a real Node-RED runtime,
// after sign-in, a token refresh, an MQTT drop and a few errors against the simulated cloud:
// what a user would attach to a bug report, and that it holds no secret.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../../src/navien/diagnostics/snapshot';
import statusNode = require('../../src/navien-status');
import devicesNode = require('../../src/navien-devices');
import deviceInfoNode = require('../../src/navien-device-info');
import { nodeHarness, waitFor, type FlowNode, type Harness } from './harness';

/** A MAC no heater of the simulator has: errors about it quote it. */
const STRANGER = 'a4c1382f7e11';

async function diagnostics(h: Harness, id = 'acc'): Promise<{ status: number; text: string }> {
  const res = await h.request().get(`/navien/accounts/${id}/diagnostics`);
  return { status: res.status, text: res.text };
}

/** Every spelling a MAC is written in (bare, colons, dashes, upper case). */
function spellings(mac: string): string[] {
  const pairs = mac.match(/../g) ?? [];
  return [mac, pairs.join(':'), pairs.join('-')].flatMap((s) => [s, s.toUpperCase()]);
}

describe('account diagnostics in a real Node-RED runtime with the simulated cloud', function () {
  this.timeout(60_000);
  const h = nodeHarness({
    nodes: [statusNode, devicesNode, deviceInfoNode],
    simulator: { devices: 2, speed: 0 },
  });
  const macs = (): string[] => h.macs;
  function flow(): FlowNode[] {
    return [
      {
        id: 'st',
        type: 'navien-status',
        account: 'acc',
        device: macs()[0],
        interval: 0,
        units: 'auto',
        outputMode: 'every',
        wires: [['out']],
      },
      { id: 'dev', type: 'navien-devices', account: 'acc', wires: [['out']] },
      {
        id: 'info',
        type: 'navien-device-info',
        account: 'acc',
        device: '',
        wires: [['out']],
      },
    ];
  }

  it('shows versions, session, connection, devices, errors and counters, and no secret', async function () {
    await h.load(flow());
    const out = h.collect('out');
    const caught = h.collect('caught');
    await waitFor(() => out.some((m) => String(m.topic).endsWith('/status')), {
      timeout: 10_000,
      what: 'a first status',
    });
    // A refresh (the cloud expires every token), an MQTT drop, cache hits and two errors, one
    // quoting the e-mail address as bad input and one naming a MAC that is not on the account.
    h.sim.rest.expireAllTokens();
    h.node('dev').receive({ fresh: true });
    h.node('dev').receive({});
    h.node('info').receive({ device: h.sim.email });
    h.node('info').receive({ device: STRANGER.toUpperCase() });
    await waitFor(
      () => caught.length >= 2 && out.filter((m) => m.topic === 'navien/devices').length >= 2,
      {
        timeout: 10_000,
        what: 'two device lists and two errors',
      },
    );
    const before = out.length;
    h.sim.broker.dropClients();
    await waitFor(() => out.length > before, { timeout: 30_000, what: 'a status after the drop' });

    const { status, text } = await diagnostics(h);
    assert.equal(status, 200, text);
    const d = JSON.parse(text) as Diagnostics;
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    assert.equal(d.versions.package, pkg.version);
    // The test helper's RED has no version(); a real runtime's is checked in test/e2e/editor.test.ts.
    assert.ok(d.versions.nodeRed.length > 0);
    assert.equal(d.versions.node, process.version);
    assert.equal(d.account.endpoints, 'custom');
    assert.equal(d.account.configError, null);

    assert.ok(d.session, 'no session part');
    assert.equal(d.session.signedIn, true);
    assert.equal(d.session.state, 'ready');
    assert.ok(d.session.tokenExpiresInMin !== null && d.session.tokenExpiresInMin > 0);
    assert.equal(d.session.backoff, null);
    assert.ok(d.session.lastSignInAt && d.session.lastRefreshAt, 'sign-in and refresh times');

    assert.ok(d.mqtt, 'no mqtt part');
    assert.equal(d.mqtt.state, 'connected');
    assert.ok(d.mqtt.connectedSince);
    assert.equal(d.mqtt.reconnects, 1);
    assert.ok(d.mqtt.lastCloseReason);
    const first = `********${macs()[0].slice(-4)}`;
    assert.ok(
      d.mqtt.subscriptions.some((t) => t.includes(first)),
      `no subscription for the status node's heater: ${d.mqtt.subscriptions.join(', ')}`,
    );

    assert.deepEqual(
      d.devices.map((x) => x.mac).sort(),
      macs()
        .map((m) => `********${m.slice(-4)}`)
        .sort(),
    );
    const followed = d.devices.find((x) => x.mac === first);
    assert.equal(followed?.connected, true);
    assert.equal(followed?.statusListeners, 1);
    assert.ok(followed?.lastStatusAgeS !== null && followed.lastStatusAgeS < 30);
    assert.ok(d.deviceListAgeS !== null && d.deviceListAgeS < 30);

    const codes = d.errors.map((e) => `${e.code} ${e.node}`);
    assert.ok(codes.includes('NAVIEN_INVALID_INPUT navien-device-info info'), codes.join('; '));
    assert.ok(codes.includes('NAVIEN_DEVICE_NOT_FOUND navien-device-info info'), codes.join('; '));
    assert.ok(d.errors.every((e) => !Number.isNaN(Date.parse(e.at)) && e.message.length > 0));
    assert.ok(d.errors.some((e) => e.message.includes(`********${STRANGER.slice(-4)}`)));

    assert.ok(d.counters, 'no counters');
    assert.ok(d.counters.restRequests >= 3, `restRequests ${d.counters.restRequests}`);
    assert.ok(d.counters.cacheHits >= 1, `cacheHits ${d.counters.cacheHits}`);
    assert.ok(d.counters.cloudFetches >= 2, `cloudFetches ${d.counters.cloudFetches}`);

    // Redacted: every secret the simulator issued (whole and its first 8 characters), the
    // login, every MAC in any spelling, and the heaters' addresses and coordinates.
    const secrets = [h.sim.password];
    for (const t of h.sim.rest.issuedTokens())
      secrets.push(t.accessToken, t.refreshToken, t.accessKeyId, t.secretKey, t.sessionToken);
    assert.ok(secrets.length > 5, 'the simulator issued no tokens');
    const forbidden = [h.sim.email, ...[...macs(), STRANGER].flatMap(spellings)];
    for (const secret of secrets) forbidden.push(secret, secret.slice(0, 8));
    for (const entry of h.sim.rest.devices()) {
      const where = entry.location ?? {};
      for (const key of ['address', 'city', 'latitude', 'longitude'] as const) {
        if (where[key] !== null && where[key] !== undefined) forbidden.push(String(where[key]));
      }
    }
    const leaked = forbidden.filter((s) => s && text.includes(s));
    assert.deepEqual(leaked, [], 'diagnostics hold a secret or personal detail');
  });

  it('shows the sign-in backoff after a rejected password', async function () {
    await h.load(flow(), {
      credentials: { acc: { email: h.sim.email, password: 'not-the-password' } },
    });
    const caught = h.collect('caught');
    await waitFor(() => caught.length >= 1, { timeout: 10_000, what: 'the sign-in error' });
    const { text } = await diagnostics(h);
    const d = JSON.parse(text) as Diagnostics;
    assert.ok(d.session);
    assert.equal(d.session.signedIn, false);
    assert.equal(d.session.backoff?.state, 'auth-failed');
    assert.equal(d.session.backoff?.code, 'NAVIEN_INVALID_CREDENTIALS');
    assert.ok(d.session.backoff.retryInS > 14 * 60 && d.session.backoff.retryInS <= 15 * 60);
    assert.ok(d.errors.some((e) => e.code === 'NAVIEN_INVALID_CREDENTIALS'));
    assert.ok(!text.includes('not-the-password') && !text.includes(h.sim.email));
  });

  it('shows why an account cannot work, and 404 for an account that is not deployed', async function () {
    const saved = { email: process.env.NAVIEN_EMAIL, password: process.env.NAVIEN_PASSWORD };
    delete process.env.NAVIEN_EMAIL;
    delete process.env.NAVIEN_PASSWORD;
    try {
      await h.load(flow(), { credentials: { acc: {} } });
    } finally {
      if (saved.email !== undefined) process.env.NAVIEN_EMAIL = saved.email;
      if (saved.password !== undefined) process.env.NAVIEN_PASSWORD = saved.password;
    }
    h.node('info').receive({ device: macs()[0] });
    const caught = h.collect('caught');
    await waitFor(() => caught.length >= 1, { timeout: 10_000, what: 'the error' });
    const { status, text } = await diagnostics(h);
    assert.equal(status, 200, text);
    const d = JSON.parse(text) as Diagnostics;
    assert.equal(d.account.configError?.code, 'NAVIEN_NOT_CONFIGURED');
    assert.equal(d.session, null);
    assert.deepEqual(d.devices, []);
    assert.ok(d.errors.some((e) => e.code === 'NAVIEN_NOT_CONFIGURED'));
    assert.equal((await diagnostics(h, 'nope')).status, 404);
  });
});
