import { strict as assert } from 'node:assert';
import { connect, type MqttClient } from 'mqtt';
import { NavienError } from '../../src/navien/errors';
import { NavienMqtt, type NavienMqttOptions } from '../../src/navien/mqtt/connection';
import { amzDate } from '../../src/navien/mqtt/sigv4';
import { startBroker, type TestBroker } from '../../src/simulator/broker';
import type { AwsCredentials, Logger } from '../../src/navien/types';
import { fakeClock } from '../support/fake-clock';
import { startMosquitto, type MosquittoHandle } from '../support/mosquitto';
import {
  afterFlush,
  credentials,
  nextEvent,
  openTcpHandles,
  roundTrip,
  waitFor,
} from '../support/mqtt-helpers';
import { skipUnlessCi } from '../support/skip-unless-ci';

describe('NavienMqtt against the loopback aedes broker', function () {
  this.timeout(15000);
  let broker: TestBroker;
  const clients: NavienMqtt[] = [];

  function make(
    over: Partial<NavienMqttOptions> & { creds?: () => AwsCredentials | undefined } = {},
  ) {
    let creds = credentials('AKIDONE');
    const m = new NavienMqtt({
      url: broker.url,
      clientId: over.clientId ?? `navien-test-${clients.length}`,
      credentials: over.creds ?? (() => creds),
      renewCredentials:
        over.renewCredentials ??
        (() => {
          creds = credentials('AKIDRENEWED');
          return Promise.resolve();
        }),
      backoff: over.backoff ?? { initialMs: 100, maxMs: 2000 },
      connectTimeoutMs: over.connectTimeoutMs ?? 2000,
      random: over.random ?? (() => 0.5),
      ...(over.clock ? { clock: over.clock } : {}),
      ...(over.logger ? { logger: over.logger } : {}),
    });
    clients.push(m);
    return m;
  }

  beforeEach(async () => {
    broker = await startBroker();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await broker.close();
  });

  it('signs the upgrade with the current credentials on every (re)connect', async () => {
    const time = fakeClock();
    const t0 = time.fake.now;
    let creds = credentials('AKIDFIRST');
    const m = make({ creds: () => creds, clock: time.clock });
    m.acquire();
    await nextEvent(m, 'connected');
    const first = broker.upgrades[0];
    assert.equal(first.path, '/mqtt');
    assert.match(
      first.query['X-Amz-Credential'],
      /^AKIDFIRST\/\d{8}\/us-east-1\/iotdevicegateway\/aws4_request$/,
    );
    assert.match(first.query['X-Amz-Signature'], /^[0-9a-f]{64}$/);
    assert.equal(first.query['X-Amz-Security-Token'], 'token/of+AKIDFIRST=');
    assert.match(first.rawQuery, /X-Amz-Security-Token=token%2Fof%2BAKIDFIRST%3D$/);
    assert.ok(first.query['X-Amz-Date']);
    assert.equal(first.query['X-Amz-Date'], amzDate(new Date(t0)), 'signed at the clock time');

    creds = credentials('AKIDSECOND');
    time.fake.tick(1000); // a new second, so X-Amz-Date must differ too
    const again = nextEvent(m, 'connected');
    broker.dropClients();
    await waitFor(() => time.fake.countTimers() === 1, { what: 'the reconnect wait' });
    time.fake.tick(100);
    await again;
    const second = broker.upgrades[broker.upgrades.length - 1];
    assert.match(second.query['X-Amz-Credential'], /^AKIDSECOND\//);
    assert.notEqual(second.query['X-Amz-Date'], first.query['X-Amz-Date']);
    assert.notEqual(second.query['X-Amz-Signature'], first.query['X-Amz-Signature']);
    assert.equal(second.query['X-Amz-Date'], amzDate(new Date(t0 + 1100)));
  });

  it('opens one broker connection for 100 acquires and none after 100 releases', async () => {
    const baseline = openTcpHandles();
    const m = make();
    for (let i = 0; i < 100; i++) m.acquire();
    // Sockets are created synchronously by acquire(): any extra connection would show now.
    assert.equal(openTcpHandles(), baseline + 1, 'one client socket for 100 acquires');
    await nextEvent(m, 'connected');
    assert.equal(broker.connectionCount(), 1);
    assert.equal(broker.upgrades.length, 1);
    for (let i = 0; i < 100; i++) m.release();
    assert.equal(m.state, 'idle');
    await waitFor(() => broker.connectionCount() === 0, { what: 'broker to see the disconnect' });
    await waitFor(() => openTcpHandles() <= baseline, { what: 'client sockets to close' });

    // acquire/release churn leaves nothing behind either
    for (let i = 0; i < 100; i++) {
      m.acquire();
      m.release();
    }
    assert.ok(openTcpHandles() <= baseline + 1, 'at most one socket for the churn');
    await waitFor(() => broker.connectionCount() === 0, { what: 'no connections after churn' });
    await waitFor(() => openTcpHandles() <= baseline, { what: 'no sockets after churn' });
    assert.equal(m.state, 'idle');
    assert.equal(m.refCount, 0);
  });

  it('never puts more than 8 topics in one SUBSCRIBE, also when resubscribing', async () => {
    const packets: string[][] = [];
    broker.onSubscribe((subs) => packets.push(subs.map((s) => s.topic)));
    const m = make();
    for (let i = 0; i < 20; i++) m.subscribe(`cmd/52/navilink-${i}/#`, () => undefined);
    m.acquire();
    await nextEvent(m, 'connected');
    assert.equal(packets.flat().length, 20);
    assert.ok(
      packets.every((p) => p.length <= 8),
      JSON.stringify(packets.map((p) => p.length)),
    );

    // 12 new topics in one tick while connected
    packets.length = 0;
    for (let i = 20; i < 32; i++) m.subscribe(`cmd/52/navilink-${i}/#`, () => undefined);
    await waitFor(() => packets.flat().length === 12, { what: '12 new subscriptions' });
    assert.ok(packets.every((p) => p.length <= 8));

    packets.length = 0;
    const again = nextEvent(m, 'connected');
    broker.dropClients();
    await again;
    assert.equal(new Set(packets.flat()).size, 32);
    assert.ok(packets.every((p) => p.length <= 8));
    assert.ok(packets.every((p) => p.every((t) => t.startsWith('cmd/52/'))));
  });

  it('refcounts topics: one SUBSCRIBE per topic, UNSUBSCRIBE only when the last handler goes', async () => {
    const subscribed: string[] = [];
    const unsubscribed: string[] = [];
    broker.onSubscribe((subs) => subscribed.push(...subs.map((s) => s.topic)));
    broker.aedes.on('unsubscribe', (topics: string[]) => unsubscribed.push(...topics));
    const m = make();
    m.acquire();
    await nextEvent(m, 'connected');
    const got: string[] = [];
    const offA = m.subscribe('dev/+/x', (t) => got.push(`a:${t}`));
    const offB = m.subscribe('dev/+/x', (t) => got.push(`b:${t}`));
    await m.whenSubscribed('dev/+/x');
    assert.deepEqual(subscribed, ['dev/+/x']);
    await broker.publish('dev/1/x', '{}');
    await waitFor(() => got.length === 2, { what: 'both handlers' });
    offA();
    offA(); // idempotent
    await afterFlush(m);
    assert.deepEqual(unsubscribed, []);
    offB();
    await waitFor(() => unsubscribed.length === 1, { what: 'UNSUBSCRIBE' });
    assert.deepEqual(unsubscribed, ['dev/+/x']);
  });

  it('resumes after a broker restart, resubscribes and fires connected again', async () => {
    const time = fakeClock();
    const m = make({ clock: time.clock });
    const got: string[] = [];
    m.subscribe('a/#', (_t, p) => got.push(p.toString()));
    m.acquire();
    await nextEvent(m, 'connected');
    await broker.stop();
    await waitFor(() => m.state === 'reconnecting', { what: 'reconnecting state' });
    await assert.rejects(
      m.publish('a/b', {}),
      (e: NavienError) => e.code === 'NAVIEN_MQTT_UNAVAILABLE',
    );
    // One retry while the broker is down: it fails and the next, longer wait starts.
    let failures = 0;
    m.on('state', (s) => {
      if (s.state === 'reconnecting') failures++;
    });
    assert.equal(time.fake.countTimers(), 1, 'a retry is waiting');
    time.fake.tick(100);
    await waitFor(() => failures === 1 && time.fake.countTimers() === 1, {
      what: 'the retry to fail and the next wait to start',
    });
    const again = nextEvent(m, 'connected');
    await broker.start();
    time.fake.tick(200);
    await again;
    assert.equal(m.state, 'connected');
    await broker.publish('a/b', 'after-restart');
    await waitFor(() => got.includes('after-restart'), { what: 'message after restart' });
  });

  it('renews credentials after an HTTP 403 upgrade and reconnects with the new key', async () => {
    let creds = credentials('AKIDOLD');
    const reasons: string[] = [];
    const m = make({
      creds: () => creds,
      renewCredentials: (reason) => {
        reasons.push(reason);
        creds = credentials('AKIDNEW');
        broker.refuseUpgrades(null);
        return Promise.resolve();
      },
    });
    m.acquire();
    await nextEvent(m, 'connected');
    broker.refuseUpgrades(403);
    const again = nextEvent(m, 'connected');
    broker.dropClients();
    await again;
    assert.deepEqual(reasons, ['forbidden']);
    const refused = broker.upgrades.filter((u) => u.refused === 403);
    assert.equal(refused.length, 1);
    const last = broker.upgrades[broker.upgrades.length - 1];
    assert.equal(last.refused, null);
    assert.match(last.query['X-Amz-Credential'], /^AKIDNEW\//);
  });

  it('backs off on repeated 403s instead of retrying in a storm', async () => {
    broker.refuseUpgrades(403);
    let renewals = 0;
    const time = fakeClock();
    const m = make({
      clock: time.clock,
      backoff: { initialMs: 100, maxMs: 5000 },
      renewCredentials: () => {
        renewals++;
        return Promise.resolve(); // "new" credentials that the broker still refuses
      },
    });
    m.acquire();
    // random 0.5 → factor 1: attempts at 0, +100, +200, +400, +800 ms → at most 5 in 1.6 s
    const refusedAndWaiting = (attempts: number) => () =>
      broker.upgrades.length === attempts && time.fake.countTimers() === 1;
    await waitFor(refusedAndWaiting(1), { what: 'the first refused attempt' });
    for (const [i, wait] of [100, 200, 400, 800].entries()) {
      time.fake.tick(wait - 1);
      assert.equal(
        time.fake.countTimers(),
        1,
        `still waiting 1 ms before the ${wait} ms wait ends`,
      );
      time.fake.tick(1);
      await waitFor(refusedAndWaiting(i + 2), { what: `attempt ${i + 2}, refused` });
    }
    time.fake.tick(100); // 1.6 s in all
    assert.ok(broker.upgrades.length >= 3, `only ${broker.upgrades.length} attempts`);
    assert.ok(broker.upgrades.length <= 5, `${broker.upgrades.length} attempts: a retry storm`);
    assert.ok(renewals >= 2 && renewals <= broker.upgrades.length);
    assert.equal(m.state, 'reconnecting');
    assert.match(m.error?.message ?? '', /403/);
  });

  it('stops in auth-failed when renewal says the credentials are invalid; retryNow() recovers', async () => {
    broker.refuseUpgrades(403);
    let valid = false;
    let creds = credentials('AKIDBAD');
    const time = fakeClock();
    const m = make({
      clock: time.clock,
      creds: () => creds,
      renewCredentials: () => {
        if (!valid) {
          return Promise.reject(new NavienError('NAVIEN_INVALID_CREDENTIALS', 'wrong password'));
        }
        creds = credentials('AKIDGOOD');
        return Promise.resolve();
      },
    });
    const states: string[] = [];
    m.on('state', (s) => states.push(s.state));
    m.acquire();
    // The 403 makes it wait, then renew: the renewal says the credentials are invalid.
    await waitFor(() => time.fake.countTimers() === 1, { what: 'the retry after the 403' });
    time.fake.tick(100);
    await waitFor(() => m.state === 'auth-failed', { what: 'auth-failed' });
    assert.equal(m.error?.code, 'NAVIEN_INVALID_CREDENTIALS');
    const attempts = broker.upgrades.length;
    assert.equal(time.fake.countTimers(), 0, 'no retry waiting');
    time.fake.tick(10 * 60_000);
    assert.equal(broker.upgrades.length, attempts, 'no attempts after auth-failed');
    assert.equal(m.state, 'auth-failed');

    valid = true;
    broker.refuseUpgrades(null);
    creds = credentials('AKIDGOOD');
    const connected = nextEvent(m, 'connected');
    m.retryNow();
    await connected;
    assert.match(
      broker.upgrades[broker.upgrades.length - 1].query['X-Amz-Credential'],
      /^AKIDGOOD\//,
    );
    assert.ok(states.includes('auth-failed'));
  });

  it('renews expired credentials before connecting and never throws from the URL hook', async () => {
    let creds: AwsCredentials | undefined;
    const reasons: string[] = [];
    const m = make({
      creds: () => creds,
      renewCredentials: (reason) => {
        reasons.push(reason);
        creds = credentials('AKIDFRESH', Date.now() + 3600_000);
        return Promise.resolve();
      },
    });
    m.acquire();
    await nextEvent(m, 'connected');
    assert.deepEqual(reasons, ['expired']);
    assert.equal(broker.upgrades.length, 1);
    assert.match(broker.upgrades[0].query['X-Amz-Credential'], /^AKIDFRESH\//);

    // Credentials that expire while connected are renewed before the next upgrade.
    creds = credentials('AKIDSTALE', Date.now() - 1);
    const again = nextEvent(m, 'connected');
    broker.dropClients();
    await again;
    assert.deepEqual(reasons, ['expired', 'expired']);
    assert.match(
      broker.upgrades[broker.upgrades.length - 1].query['X-Amz-Credential'],
      /^AKIDFRESH\//,
    );
  });

  it('survives a renewCredentials that throws synchronously and keeps backing off', async () => {
    let calls = 0;
    const time = fakeClock();
    const m = make({
      clock: time.clock,
      creds: () => undefined,
      renewCredentials: () => {
        calls++;
        throw new Error('boom');
      },
    });
    m.acquire();
    for (const [i, wait] of [100, 200].entries()) {
      await waitFor(() => calls === i + 1 && time.fake.countTimers() === 1, {
        what: `renewal ${i + 1} to fail and a retry to wait`,
      });
      time.fake.tick(wait);
    }
    await waitFor(() => calls === 3, { what: 'the third renewal' });
    assert.ok(calls >= 2, `renew called ${calls} times`);
    assert.equal(m.state, 'reconnecting');
    assert.equal(broker.upgrades.length, 0, 'never connects without credentials');
  });

  it('keeps two accounts with different client ids connected side by side', async () => {
    const a = make({ clientId: 'navien-a' });
    const b = make({ clientId: 'navien-b' });
    a.acquire();
    b.acquire();
    await Promise.all([nextEvent(a, 'connected'), nextEvent(b, 'connected')]);
    const changes: string[] = [];
    a.on('state', (s) => changes.push(`a:${s.state}`));
    b.on('state', (s) => changes.push(`b:${s.state}`));
    // Both still answer after both connected: the broker kicked neither.
    await Promise.all([roundTrip(a), roundTrip(b)]);
    assert.deepEqual(changes, []);
    assert.equal(broker.connectionCount(), 2);
    assert.equal(broker.upgrades.length, 2);
  });

  it('does not spin when another client takes over the same client id', async () => {
    const time = fakeClock();
    const waits: { who: string; ms: number }[] = [];
    /** Records the "reconnecting in N ms" of client `who`. */
    const logger = (who: string): Logger => ({
      debug: (line) => {
        const m = /reconnecting in (\d+) ms/.exec(line);
        if (m) waits.push({ who, ms: Number(m[1]) });
      },
      info: () => undefined,
      warn: () => undefined,
    });
    const options = { clientId: 'navien-dup', backoff: { initialMs: 100, maxMs: 5000 } };
    const a = make({ ...options, clock: time.clock, logger: logger('a') });
    const b = make({ ...options, clock: time.clock, logger: logger('b') });
    a.acquire();
    await nextEvent(a, 'connected');
    b.acquire();
    // Each connect kicks the other, which waits its next backoff step; run 2 s of those waits.
    const start = time.fake.now;
    for (let kicks = 1; time.fake.now - start < 2000; kicks++) {
      await waitFor(() => waits.length === kicks && time.fake.countTimers() === 1, {
        what: `kick ${kicks} and its retry wait`,
      });
      time.fake.tick(waits[kicks - 1].ms);
    }
    // Unbounded ping-pong at 100 ms would be ~40 upgrades; backoff keeps it to a handful.
    assert.ok(broker.upgrades.length <= 14, `${broker.upgrades.length} upgrades in 2 s`);
    // A connection kicked at once does not reset the backoff: each client's waits double.
    assert.deepEqual(
      waits.slice(0, 7).map((w) => `${w.who}:${w.ms}`),
      ['a:100', 'b:100', 'a:200', 'b:200', 'a:400', 'b:400', 'a:800'],
    );
  });

  it('rejects publish with NAVIEN_MQTT_UNAVAILABLE when not connected', async () => {
    const m = make();
    await assert.rejects(
      m.publish('x/y', { a: 1 }),
      (e: NavienError) => e instanceof NavienError && e.code === 'NAVIEN_MQTT_UNAVAILABLE',
    );
    m.acquire();
    await nextEvent(m, 'connected');
    const seen: string[] = [];
    broker.onPublish((p) => seen.push(`${p.topic} ${p.qos} ${p.payload.toString()}`));
    await m.publish('x/y', { a: 1 });
    assert.deepEqual(seen, ['x/y 1 {"a":1}']);
  });

  it('whenConnected resolves on connect, and rejects on timeout, abort and refused credentials', async () => {
    const late = new NavienError('NAVIEN_MQTT_UNAVAILABLE', 'too late');
    broker.refuseUpgrades(403);
    const m = make({
      renewCredentials: () =>
        Promise.reject(new NavienError('NAVIEN_INVALID_CREDENTIALS', 'wrong password')),
    });
    await assert.rejects(m.whenConnected({ timeoutMs: 50, onTimeout: () => late }), /too late/);
    const aborter = new AbortController();
    const aborted = m.whenConnected({
      timeoutMs: 5000,
      onTimeout: () => late,
      signal: aborter.signal,
    });
    aborter.abort(new NavienError('NAVIEN_CANCELLED', 'node closed'));
    await assert.rejects(aborted, (e: NavienError) => e.code === 'NAVIEN_CANCELLED');
    const refused = m.whenConnected({ timeoutMs: 5000, onTimeout: () => late });
    m.acquire();
    await assert.rejects(refused, (e: NavienError) => e.code === 'NAVIEN_INVALID_CREDENTIALS');

    broker.refuseUpgrades(null);
    const ok = make();
    const up = ok.whenConnected({ timeoutMs: 5000, onTimeout: () => late });
    ok.acquire();
    await up;
    assert.equal(ok.state, 'connected');
    await ok.whenConnected({ timeoutMs: 1, onTimeout: () => late });
  });

  it('closes within 3 s even when the broker is gone', async () => {
    const m = make();
    m.acquire();
    await nextEvent(m, 'connected');
    await broker.stop();
    const t0 = Date.now();
    await m.close();
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(m.state, 'closed');
    await broker.start(); // afterEach closes it
  });
});

describe('NavienMqtt against Debian mosquitto', function () {
  this.timeout(15000);
  let mosq: MosquittoHandle | undefined;
  let device: MqttClient | undefined;
  let m: NavienMqtt | undefined;

  before(async function () {
    mosq = await startMosquitto();
    if (!mosq) skipUnlessCi(this, '/usr/sbin/mosquitto is not installed');
  });

  after(async () => {
    await m?.close();
    await device?.endAsync(true);
    await mosq?.stop();
  });

  it('connects over WebSockets, subscribes and receives what a TCP client publishes', async () => {
    const handle = mosq!;
    m = new NavienMqtt({
      url: handle.wsUrl,
      clientId: 'navien-mosq',
      credentials: () => credentials('AKIDMOSQ'),
      renewCredentials: () => Promise.resolve(),
      backoff: { initialMs: 100 },
      connectTimeoutMs: 2000,
    });
    const got: string[] = [];
    m.subscribe('cmd/52/navilink-a4c1382f09be/#', (t, p) => got.push(`${t} ${p.toString()}`));
    m.acquire();
    await nextEvent(m, 'connected');
    device = connect(handle.tcpUrl, { clientId: 'fake-device', reconnectPeriod: 0 });
    await new Promise<void>((resolve) => device!.once('connect', () => resolve()));
    const echoed = new Promise<string>((resolve) => {
      device!.on('message', (_t, p) => resolve(p.toString()));
    });
    await device.subscribeAsync('cmd/52/navilink-a4c1382f09be/st', { qos: 1 });
    await m.publish('cmd/52/navilink-a4c1382f09be/st', { hello: 1 });
    assert.equal(await echoed, '{"hello":1}');
    await device.publishAsync('cmd/52/navilink-a4c1382f09be/x/res', '{"response":{}}', { qos: 1 });
    await waitFor(() => got.some((g) => g.includes('/x/res')), {
      what: 'message from the TCP client',
    });
  });
});
