/**
 * One MQTT connection per Navien account (AWS IoT over SigV4-signed WebSockets), shared by every
 * device channel through reference counting. This file holds the lifecycle (open, credential
 * renewal, reconnect, shutdown); the subscription registry, the reconnect schedule, publishes in
 * flight and the signed socket live beside it. See AWS-IOT-MQTT.md §2 for the mqtt.js facts the
 * choices below rest on.
 */
import { EventEmitter } from 'node:events';
import { connect, type MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../clock';
import { NavienError, describeError, toNavienError } from '../errors';
import { silentLogger, type AwsCredentials, type Logger } from '../types';
import { PublishTracker } from './publisher';
import { ReconnectSchedule, type ReconnectOptions } from './reconnect';
import { paceIntake } from './intake';
import { presignIotWebSocketUrl } from './sigv4';
import { SubscriptionRegistry, type MessageHandler } from './subscriptions';
import { clientOptions, endBounded, usableCredentials } from './transport';

export type { MessageHandler } from './subscriptions';

export type NavienMqttState =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'auth-failed' | 'closed';

export interface NavienMqttStateChange {
  state: NavienMqttState;
  previous: NavienMqttState;
  error?: NavienError;
}

export type RenewReason = 'expired' | 'forbidden';

export interface NavienMqttOptions {
  /** wss://<endpoint>/mqtt, or ws://127.0.0.1:<port>/mqtt for the simulator. */
  url: string;
  /** Random per account node, stable across reconnects (response topics embed it). */
  clientId: string;
  /** Current AWS credentials; read afresh for every connection attempt. */
  credentials: () => AwsCredentials | undefined;
  /** Obtain new AWS credentials (a new sign-in). Rejects with NAVIEN_INVALID_CREDENTIALS when hopeless. */
  renewCredentials: (reason: RenewReason) => Promise<void>;
  logger?: Logger;
  keepaliveSec?: number;
  backoff?: ReconnectOptions;
  /** Upgrade + CONNACK timeout, also used as the PUBACK timeout. */
  connectTimeoutMs?: number;
  /** Source of jitter; tests pass a fixed one. */
  random?: () => number;
  /** Time for reconnect waits, signing dates and whenConnected() timeouts; tests pass a fake one. */
  clock?: Clock;
}

export interface NavienMqttEvents {
  state: [change: NavienMqttStateChange];
  /** After every (re)connect, once subscriptions are restored. */
  connected: [];
}

export class NavienMqtt extends EventEmitter<NavienMqttEvents> {
  private readonly opts: NavienMqttOptions;
  private readonly log: Logger;
  private readonly connectTimeoutMs: number;
  private readonly clock: Clock;
  private readonly reconnect: ReconnectSchedule;
  private readonly registry: SubscriptionRegistry;
  private readonly publishes: PublishTracker;

  private refs = 0;
  private client: MqttClient | null = null;
  private current: NavienMqttState = 'idle';
  private lastError: NavienError | undefined;
  /** Bumped whenever the client is replaced or shut down, so late callbacks can tell they are stale. */
  private generation = 0;
  private refusedStatus: number | null = null;
  private closing: Promise<void> | null = null;
  private renewing: Promise<void> | null = null;

  constructor(opts: NavienMqttOptions) {
    super();
    this.opts = opts;
    this.log = opts.logger ?? silentLogger;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 30_000;
    this.clock = opts.clock ?? systemClock;
    this.reconnect = new ReconnectSchedule(opts.backoff, opts.random ?? Math.random, this.clock);
    this.registry = new SubscriptionRegistry(() => this.client, this.log);
    this.publishes = new PublishTracker(this.connectTimeoutMs);
  }

  get state(): NavienMqttState {
    return this.current;
  }

  /** The error behind the latest non-connected state, if any (safe to show; no secrets). */
  get error(): NavienError | undefined {
    return this.lastError;
  }

  /**
   * Resolves once connected (subscriptions restored after a reconnect). Rejects when the
   * credentials are refused or the connection is closed, with `onTimeout()` after `timeoutMs`,
   * and with the signal's reason when `signal` aborts. The one place callers wait for MQTT.
   */
  whenConnected(opts: {
    timeoutMs: number;
    onTimeout: () => NavienError;
    signal?: AbortSignal;
  }): Promise<void> {
    if (this.current === 'connected') return Promise.resolve();
    const refused = (): NavienError =>
      this.lastError ??
      new NavienError('NAVIEN_AUTH_FAILED', 'The Navien MQTT service refused the credentials');
    if (this.current === 'auth-failed') return Promise.reject(refused());
    if (opts.signal?.aborted)
      return Promise.reject(toNavienError(opts.signal.reason, 'NAVIEN_CANCELLED'));
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: NavienError): void => {
        this.clock.clearTimeout(timer);
        this.off('connected', onConnected);
        this.off('state', onState);
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onConnected = (): void => finish();
      const onState = (change: NavienMqttStateChange): void => {
        if (change.state === 'auth-failed') finish(change.error ?? refused());
        else if (change.state === 'closed')
          finish(
            new NavienError('NAVIEN_MQTT_UNAVAILABLE', 'The Navien MQTT connection was closed'),
          );
      };
      const onAbort = (): void => finish(toNavienError(opts.signal?.reason, 'NAVIEN_CANCELLED'));
      const timer = this.clock.setTimeout(() => finish(opts.onTimeout()), opts.timeoutMs);
      this.on('connected', onConnected);
      this.on('state', onState);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get refCount(): number {
    return this.refs;
  }

  get clientId(): string {
    return this.opts.clientId;
  }

  acquire(): void {
    this.refs++;
    if (this.refs !== 1) return;
    const closing = this.closing;
    if (closing) {
      // Reopen only once the previous socket is gone, so the broker never sees two of ours.
      void closing.then(() => {
        if (this.refs > 0 && !this.client) this.open();
      });
    } else {
      this.open();
    }
  }

  release(): void {
    if (this.refs === 0) {
      this.log.debug('navien mqtt: release() without acquire() ignored');
      return;
    }
    this.refs--;
    if (this.refs === 0) void this.shutdown('idle');
  }

  /** Shuts the connection down for good (a later acquire() opens a new one). Bounded. */
  close(): Promise<void> {
    this.refs = 0;
    return this.shutdown('closed');
  }

  /** Leaves 'auth-failed' (or a long backoff wait) and tries at once, e.g. after new credentials. */
  retryNow(): void {
    if (this.refs === 0 || !this.client) return;
    if (this.current === 'connected' || this.current === 'connecting') return;
    this.reconnect.cancel();
    this.reconnect.reset();
    this.setState('reconnecting', this.lastError);
    void this.runAttempt(this.generation, undefined, false);
  }

  /** Calls `handler` for every message on `topic` (a filter); returns the unsubscribe function. */
  subscribe(topic: string, handler: MessageHandler): () => void {
    return this.registry.add(topic, handler);
  }

  /**
   * Resolves once the broker has acknowledged `topic` (or at once when not connected: the
   * subscription is then restored before the next 'connected' event). Never rejects.
   */
  whenSubscribed(topic: string): Promise<void> {
    return this.registry.whenSubscribed(topic);
  }

  /** Topics with at least one handler (what is re-subscribed after a reconnect). */
  subscribedTopics(): string[] {
    return this.registry.topics();
  }

  publish(topic: string, payload: object): Promise<void> {
    const client = this.client;
    if (!client || this.current !== 'connected' || !client.connected) {
      return Promise.reject(
        new NavienError(
          'NAVIEN_MQTT_UNAVAILABLE',
          `Not connected to the Navien cloud (connection ${this.current})`,
        ),
      );
    }
    return this.publishes.publish(client, topic, payload);
  }

  // ---- connection lifecycle -------------------------------------------------------------

  private open(): void {
    const gen = ++this.generation;
    this.reconnect.reset();
    this.lastError = undefined;
    this.setState('connecting');
    const options = clientOptions({
      clientId: this.opts.clientId,
      keepaliveSec: this.opts.keepaliveSec ?? 60,
      connectTimeoutMs: this.connectTimeoutMs,
      signedUrl: () => this.signedUrl(gen),
      onRefused: (status) => {
        if (gen === this.generation) this.refusedStatus = status;
      },
    });
    const client = connect(this.opts.url, options);
    paceIntake(client);
    this.client = client;
    client.on('connect', () => this.onConnect(client, gen));
    client.on('close', () => this.onClose(client, gen));
    client.on('message', (topic, payload) => {
      if (gen === this.generation) this.registry.dispatch(topic, payload);
    });
    client.on('error', (err) => {
      if (gen !== this.generation) return;
      const code = (err as Error & { code?: unknown }).code;
      // CONNACK 4/5 (bad credentials / not authorised) are treated like a refused upgrade.
      if (code === 4 || code === 5) this.refusedStatus = 403;
      this.log.debug(`navien mqtt: ${describeError(err)}`);
    });
    void this.runAttempt(gen, undefined, true);
  }

  /** Called synchronously by mqtt.js before every socket; must never throw. */
  private signedUrl(gen: number): string {
    try {
      const creds = this.usableCredentials();
      const date = new Date(this.clock.now());
      if (creds) return presignIotWebSocketUrl({ url: this.opts.url, credentials: creds, date });
    } catch (err) {
      this.log.warn(`navien mqtt: could not sign the connection URL: ${describeError(err)}`);
    }
    // Without usable credentials the upgrade will be refused; fetch new ones for the next try.
    void this.renew('expired', gen);
    return this.opts.url;
  }

  private usableCredentials(): AwsCredentials | undefined {
    return usableCredentials(this.opts.credentials());
  }

  /** Renews credentials once at a time; resolves true when the caller may go on connecting. */
  private async renew(reason: RenewReason, gen: number): Promise<boolean> {
    if (!this.renewing) {
      this.log.debug(`navien mqtt: renewing AWS credentials (${reason})`);
      // Promise.resolve().then: a synchronous throw becomes a rejection handled below.
      this.renewing = Promise.resolve()
        .then(() => this.opts.renewCredentials(reason))
        .finally(() => {
          this.renewing = null;
        });
    }
    try {
      await this.renewing;
      return gen === this.generation;
    } catch (err) {
      if (gen !== this.generation) return false;
      const e = toNavienError(err, 'NAVIEN_AUTH_FAILED');
      if (e.code === 'NAVIEN_INVALID_CREDENTIALS') {
        this.reconnect.cancel();
        this.setState('auth-failed', e);
        this.log.warn(`navien mqtt: credentials rejected; not reconnecting (${e.message})`);
      } else {
        this.lastError = e;
        this.log.debug(`navien mqtt: credential renewal failed: ${e.message}`);
      }
      return false;
    }
  }

  private async runAttempt(gen: number, reason: RenewReason | undefined, first: boolean) {
    if (gen !== this.generation || !this.client) return;
    if (reason === 'forbidden' || !this.usableCredentials()) {
      const ok = await this.renew(reason ?? 'expired', gen);
      if (gen !== this.generation || !this.client) return;
      if (!ok) {
        if (this.current !== 'auth-failed') {
          this.setState('reconnecting', this.lastError);
          this.scheduleReconnect(reason);
        }
        return;
      }
    }
    if (this.current === 'auth-failed' || this.current === 'closed') return;
    this.refusedStatus = null;
    if (first) this.client.connect();
    else this.client.reconnect();
  }

  private onConnect(client: MqttClient, gen: number): void {
    if (gen !== this.generation) return;
    this.reconnect.connected();
    this.refusedStatus = null;
    this.registry.restore(client, () => {
      if (gen !== this.generation || !client.connected) return;
      this.lastError = undefined;
      this.setState('connected');
      this.log.info(`navien mqtt: connected as ${this.opts.clientId}`);
      this.emit('connected');
    });
  }

  private onClose(client: MqttClient, gen: number): void {
    if (gen !== this.generation) return;
    this.publishes.failAll('Connection to the Navien cloud was lost');
    this.registry.releaseAckWaiters();
    // Forget mqtt.js's own record of unacknowledged publishes: we already failed them.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    this.reconnect.disconnected();
    if (this.current === 'auth-failed' || this.current === 'closed' || this.current === 'idle') {
      return;
    }
    if (this.reconnect.waiting) return;
    const status = this.refusedStatus;
    this.refusedStatus = null;
    if (status === 401 || status === 403) {
      this.lastError = new NavienError(
        'NAVIEN_MQTT_UNAVAILABLE',
        `The Navien cloud refused the connection (HTTP ${status}); renewing credentials`,
      );
      this.setState('reconnecting', this.lastError);
      this.scheduleReconnect('forbidden');
      return;
    }
    if (status !== null) {
      this.lastError = new NavienError(
        'NAVIEN_MQTT_UNAVAILABLE',
        `The Navien cloud refused the connection (HTTP ${status})`,
      );
    } else if (!this.lastError) {
      this.lastError = new NavienError(
        'NAVIEN_MQTT_UNAVAILABLE',
        'Connection to the Navien cloud closed',
      );
    }
    this.setState('reconnecting', this.lastError);
    this.scheduleReconnect(undefined);
  }

  private scheduleReconnect(reason: RenewReason | undefined): void {
    if (this.reconnect.waiting || !this.client) return;
    const gen = this.generation;
    const delay = this.reconnect.schedule(() => void this.runAttempt(gen, reason, false));
    this.log.debug(`navien mqtt: reconnecting in ${delay} ms`);
  }

  private shutdown(finalState: 'idle' | 'closed'): Promise<void> {
    this.generation++;
    this.reconnect.cancel();
    this.publishes.failAll('The connection to the Navien cloud was closed');
    this.registry.releaseAckWaiters();
    this.registry.dropQueued();
    this.reconnect.forget();
    const client = this.client;
    this.client = null;
    this.lastError = undefined;
    this.setState(finalState);
    if (!client) return this.closing ?? Promise.resolve();
    const done = endBounded(client).finally(() => {
      if (this.closing === done) this.closing = null;
    });
    this.closing = done;
    return done;
  }

  private setState(state: NavienMqttState, error?: NavienError): void {
    if (error) this.lastError = error;
    const previous = this.current;
    if (previous === state && !error) return;
    this.current = state;
    const change: NavienMqttStateChange = { state, previous };
    if (error) change.error = error;
    this.emit('state', change);
  }
}
