/**
 * One MQTT connection per Navien account (AWS IoT over SigV4-signed WebSockets), shared by every
 * device channel through reference counting. See AWS-IOT-MQTT.md §2 for the mqtt.js facts the
 * choices below rest on.
 */
import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import WebSocket, { type ClientOptions } from 'ws';
import { NavienError, toNavienError } from '../errors';
import { silentLogger, type AwsCredentials, type Logger } from '../types';
import { presignIotWebSocketUrl } from './sigv4';
import { topicMatches } from './topics';

export type NavienMqttState =
  'idle' | 'connecting' | 'connected' | 'reconnecting' | 'auth-failed' | 'closed';

export interface NavienMqttStateChange {
  state: NavienMqttState;
  previous: NavienMqttState;
  error?: NavienError;
}

export type RenewReason = 'expired' | 'forbidden';
export type MessageHandler = (topic: string, payload: Buffer) => void;

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
  backoff?: {
    initialMs?: number;
    maxMs?: number;
    /** A connection must live this long before the backoff counts as reset (stops kick loops). */
    stableMs?: number;
  };
  /** Upgrade + CONNACK timeout, also used as the PUBACK timeout. */
  connectTimeoutMs?: number;
  /** Source of jitter; tests pass a fixed one. */
  random?: () => number;
}

export interface NavienMqttEvents {
  state: [change: NavienMqttStateChange];
  /** After every (re)connect, once subscriptions are restored. */
  connected: [];
}

/** Credentials this close to expiry are not used for a new upgrade. */
const EXPIRY_SKEW_MS = 10_000;
/** A polite DISCONNECT gets this long before the socket is destroyed. */
const GRACEFUL_CLOSE_MS = 1_500;
/** AWS IoT accepts at most 8 topics per SUBSCRIBE. */
const SUBSCRIBE_BATCH = 8;

interface Registration {
  handler: MessageHandler;
}

interface PendingPublish {
  reject: (err: NavienError) => void;
}

export class NavienMqtt extends EventEmitter<NavienMqttEvents> {
  private readonly opts: NavienMqttOptions;
  private readonly log: Logger;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly stableMs: number;
  private readonly connectTimeoutMs: number;
  private readonly random: () => number;

  private refs = 0;
  private client: MqttClient | null = null;
  private current: NavienMqttState = 'idle';
  private lastError: NavienError | undefined;
  /** Bumped whenever the client is replaced or shut down, so late callbacks can tell they are stale. */
  private generation = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private connectedAt = 0;
  private refusedStatus: number | null = null;
  private closing: Promise<void> | null = null;
  private renewing: Promise<void> | null = null;

  private readonly subs = new Map<string, Set<Registration>>();
  private readonly toSubscribe = new Set<string>();
  private readonly toUnsubscribe = new Set<string>();
  private flushScheduled = false;
  private readonly pending = new Set<PendingPublish>();
  /** Callers of whenSubscribed() waiting for a SUBACK, by topic. */
  private readonly ackWaiters = new Map<string, (() => void)[]>();

  constructor(opts: NavienMqttOptions) {
    super();
    this.opts = opts;
    this.log = opts.logger ?? silentLogger;
    this.initialMs = opts.backoff?.initialMs ?? 1000;
    this.maxMs = opts.backoff?.maxMs ?? 180_000;
    this.stableMs = opts.backoff?.stableMs ?? 10_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 30_000;
    this.random = opts.random ?? Math.random;
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
        clearTimeout(timer);
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
      const timer = setTimeout(() => finish(opts.onTimeout()), opts.timeoutMs);
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
    this.clearReconnectTimer();
    this.attempt = 0;
    this.setState('reconnecting', this.lastError);
    void this.runAttempt(this.generation, undefined, false);
  }

  subscribe(topic: string, handler: MessageHandler): () => void {
    const reg: Registration = { handler };
    let set = this.subs.get(topic);
    if (!set) {
      set = new Set();
      this.subs.set(topic, set);
      this.toUnsubscribe.delete(topic);
      this.toSubscribe.add(topic);
      this.scheduleFlush();
    }
    set.add(reg);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const s = this.subs.get(topic);
      if (!s) return;
      s.delete(reg);
      if (s.size === 0) {
        this.subs.delete(topic);
        this.toSubscribe.delete(topic);
        this.toUnsubscribe.add(topic);
        this.scheduleFlush();
      }
    };
  }

  /**
   * Resolves once the broker has acknowledged `topic` (or at once when not connected: the
   * subscription is then restored before the next 'connected' event). Never rejects.
   */
  whenSubscribed(topic: string): Promise<void> {
    const client = this.client;
    if (!client || !client.connected || !this.subs.has(topic)) return Promise.resolve();
    if (!this.ackWaiters.has(topic) && !this.toSubscribe.has(topic)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const list = this.ackWaiters.get(topic) ?? [];
      list.push(resolve);
      this.ackWaiters.set(topic, list);
    });
  }

  /** Topics with at least one handler (what is re-subscribed after a reconnect). */
  subscribedTopics(): string[] {
    return [...this.subs.keys()];
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
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const entry: PendingPublish = {
        reject: (err) => finish(err),
      };
      const finish = (err?: NavienError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(entry);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => {
        finish(
          new NavienError('NAVIEN_TIMEOUT', 'The Navien cloud did not acknowledge the message'),
        );
      }, this.connectTimeoutMs);
      this.pending.add(entry);
      client.publish(topic, JSON.stringify(payload), { qos: 1 }, (err) => {
        finish(
          err
            ? new NavienError('NAVIEN_MQTT_UNAVAILABLE', `Publish failed: ${err.message}`, {
                cause: err,
              })
            : undefined,
        );
      });
    });
  }

  // ---- connection lifecycle -------------------------------------------------------------

  private open(): void {
    const gen = ++this.generation;
    this.attempt = 0;
    this.lastError = undefined;
    this.setState('connecting');
    const options: IClientOptions = {
      clientId: this.opts.clientId,
      protocolVersion: 4,
      clean: true,
      keepalive: this.opts.keepaliveSec ?? 60,
      connectTimeout: this.connectTimeoutMs,
      // We drive reconnects (backoff, credential renewal) and resubscription ourselves.
      reconnectPeriod: 0,
      resubscribe: false,
      manualConnect: true,
      queueQoSZero: false,
      reconnectOnConnackError: true,
      subscribeBatchSize: SUBSCRIBE_BATCH,
      transformWsUrl: () => this.signedUrl(gen),
      createWebsocket: (url: string, protocols: string[], o: IClientOptions) =>
        this.createSocket(gen, url, protocols, o),
    };
    const client = connect(this.opts.url, options);
    this.client = client;
    client.on('connect', () => this.onConnect(client, gen));
    client.on('close', () => this.onClose(client, gen));
    client.on('message', (topic, payload) => {
      if (gen === this.generation) this.dispatch(topic, payload);
    });
    client.on('error', (err) => {
      if (gen !== this.generation) return;
      const code = (err as Error & { code?: unknown }).code;
      // CONNACK 4/5 (bad credentials / not authorised) are treated like a refused upgrade.
      if (code === 4 || code === 5) this.refusedStatus = 403;
      this.log.debug(`navien mqtt: ${err.message}`);
    });
    void this.runAttempt(gen, undefined, true);
  }

  /** Called synchronously by mqtt.js before every socket; must never throw. */
  private signedUrl(gen: number): string {
    try {
      const creds = this.usableCredentials();
      if (creds) return presignIotWebSocketUrl({ url: this.opts.url, credentials: creds });
    } catch (err) {
      this.log.warn(`navien mqtt: could not sign the connection URL: ${describe(err)}`);
    }
    // Without usable credentials the upgrade will be refused; fetch new ones for the next try.
    void this.renew('expired', gen);
    return this.opts.url;
  }

  private createSocket(
    gen: number,
    url: string,
    protocols: string[],
    o: IClientOptions,
  ): WebSocket {
    const ws = new WebSocket(url, protocols, o.wsOptions as ClientOptions | undefined);
    // ws reports a refused upgrade only here; mqtt.js swallows it (no 'error' event).
    ws.on('error', (err: Error) => {
      const m = /Unexpected server response: (\d{3})/.exec(err.message);
      if (m && gen === this.generation) this.refusedStatus = Number(m[1]);
    });
    return ws;
  }

  private usableCredentials(): AwsCredentials | undefined {
    const c = this.opts.credentials();
    if (!c || !c.accessKeyId || !c.secretKey) return undefined;
    if (c.expiresAt !== undefined && c.expiresAt <= Date.now() + EXPIRY_SKEW_MS) return undefined;
    return c;
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
        this.clearReconnectTimer();
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
    this.connectedAt = Date.now();
    this.refusedStatus = null;
    this.toSubscribe.clear();
    this.toUnsubscribe.clear();
    const topics = this.subscribedTopics();
    const ready = (): void => {
      if (gen !== this.generation || !client.connected) return;
      this.lastError = undefined;
      this.setState('connected');
      this.log.info(`navien mqtt: connected as ${this.opts.clientId}`);
      this.emit('connected');
    };
    if (topics.length === 0) {
      ready();
      return;
    }
    // Clean session: the broker forgot everything, so restore every topic (8 per SUBSCRIBE).
    client.subscribe(topics, { qos: 1 }, (err, granted) => {
      if (err) this.log.warn(`navien mqtt: resubscribe failed: ${err.message}`);
      this.warnRefused(granted);
      ready();
    });
  }

  private onClose(client: MqttClient, gen: number): void {
    if (gen !== this.generation) return;
    this.failPending('Connection to the Navien cloud was lost');
    this.releaseAckWaiters();
    // Forget mqtt.js's own record of unacknowledged publishes: we already failed them.
    for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
    if (this.connectedAt > 0 && Date.now() - this.connectedAt >= this.stableMs) this.attempt = 0;
    this.connectedAt = 0;
    if (this.current === 'auth-failed' || this.current === 'closed' || this.current === 'idle') {
      return;
    }
    if (this.reconnectTimer) return;
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
    if (this.reconnectTimer || !this.client) return;
    const delay = this.nextDelay();
    const gen = this.generation;
    this.log.debug(`navien mqtt: reconnecting in ${delay} ms`);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.runAttempt(gen, reason, false);
    }, delay);
  }

  /** Exponential backoff from initialMs, ×2 per failed attempt, capped, with 0.5–1.5 jitter. */
  private nextDelay(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.max(1, Math.min(this.maxMs, Math.round(base * (0.5 + this.random()))));
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private shutdown(finalState: 'idle' | 'closed'): Promise<void> {
    this.generation++;
    this.clearReconnectTimer();
    this.failPending('The connection to the Navien cloud was closed');
    this.releaseAckWaiters();
    this.toSubscribe.clear();
    this.toUnsubscribe.clear();
    this.connectedAt = 0;
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

  private failPending(message: string): void {
    for (const p of [...this.pending])
      p.reject(new NavienError('NAVIEN_MQTT_UNAVAILABLE', message));
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

  // ---- subscriptions ----------------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Collect the subscribe/unsubscribe calls of one tick into as few packets as possible.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushSubscriptions();
    });
  }

  private flushSubscriptions(): void {
    const client = this.client;
    const subscribe = [...this.toSubscribe].filter((t) => this.subs.has(t));
    const unsubscribe = [...this.toUnsubscribe].filter((t) => !this.subs.has(t));
    this.toSubscribe.clear();
    this.toUnsubscribe.clear();
    // While disconnected there is nothing to do: the next CONNACK restores the current set.
    if (!client || !client.connected) {
      this.releaseAckWaiters();
      return;
    }
    if (subscribe.length > 0) {
      for (const t of subscribe) if (!this.ackWaiters.has(t)) this.ackWaiters.set(t, []);
      client.subscribe(subscribe, { qos: 1 }, (err, granted) => {
        if (err) this.log.warn(`navien mqtt: subscribe failed: ${err.message}`);
        this.warnRefused(granted);
        this.releaseAckWaiters(subscribe);
      });
    }
    if (unsubscribe.length > 0) {
      client.unsubscribe(unsubscribe, (err) => {
        if (err) this.log.debug(`navien mqtt: unsubscribe failed: ${err.message}`);
      });
    }
  }

  private releaseAckWaiters(topics?: string[]): void {
    for (const t of topics ?? [...this.ackWaiters.keys()]) {
      const list = this.ackWaiters.get(t);
      this.ackWaiters.delete(t);
      for (const resolve of list ?? []) resolve();
    }
  }

  private warnRefused(granted: { topic: string; qos: number }[] | undefined): void {
    for (const g of granted ?? []) {
      if (g.qos === 128) this.log.warn(`navien mqtt: the broker refused subscription ${g.topic}`);
    }
  }

  private dispatch(topic: string, payload: Buffer): void {
    for (const [filter, regs] of this.subs) {
      if (!topicMatches(filter, topic)) continue;
      for (const reg of [...regs]) {
        try {
          reg.handler(topic, payload);
        } catch (err) {
          // One broken handler must not starve the others.
          this.log.warn(`navien mqtt: message handler failed: ${describe(err)}`);
        }
      }
    }
  }
}

function endBounded(client: MqttClient): Promise<void> {
  // Never connected (e.g. still waiting for credentials): there is no socket to close.
  if (!(client.stream as unknown)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = (): void => {
      client.stream.destroy();
      resolve();
    };
    const timer = setTimeout(force, GRACEFUL_CLOSE_MS);
    try {
      // A connected client says DISCONNECT; anything else is just torn down.
      client.end(!client.connected, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      force();
    }
  });
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
