/**
 * One status stream per device, shared by every listener of an account (issue 11): one MQTT
 * subscription to the device wildcard, one JSON parse and one classification per message (in
 * DeviceChannel), one decode per unit setting, and one poll timer at the shortest interval any
 * listener asked for. Listeners only receive; they never add subscriptions or requests.
 */
import { decodeStatus, type DecodedStatus } from '../decode/status';
import type { UnitChoice } from '../decode/units';
import { NavienError } from '../errors';
import type { NavienMqtt } from '../mqtt/connection';
import type { DeviceChannel, RawFeature, RawStatus } from '../mqtt/device-channel';
import type { DeviceAddress } from '../mqtt/topics';
import type { Logger } from '../types';
import { copyOf } from './copier';

/** One decoded status as every listener with the same unit setting receives it. */
export interface StatusUpdate {
  macAddress: string;
  deviceName: string;
  /**
   * The decoded status, frozen and shared by every listener with the same units; it ends with
   * macAddress, deviceName and receivedAt (ISO), so a copy of it is the status node's payload.
   */
  status: Readonly<DecodedStatus>;
  /** The status object as it came from the heater (shared: treat as read-only). */
  raw: RawStatus;
  /** When the message arrived (epoch ms), stamped once per message. */
  receivedAt: number;
  /**
   * A fresh, unfrozen status the caller owns (the status node's payload): equal to `status`,
   * shared with nothing. The last listener of a delivery gets the decoded object itself.
   */
  copy(): DecodedStatus;
}

/**
 * One message decoded in one unit setting. The decode is handed to the last listener that asks
 * for a copy (nothing else holds it then), the others get copies of it; `status` freezes it if
 * still here, or decodes the raw status again (the decoder is pure, so the result is equal).
 */
class DecodedUpdate implements StatusUpdate {
  readonly macAddress: string;
  readonly deviceName: string;
  readonly raw: RawStatus;
  readonly receivedAt: number;
  /** Listeners of this delivery that have not asked for their copy yet. */
  takers = 0;
  private readonly decode: () => DecodedStatus;
  /** The decoded status while no one else holds it (unfrozen: V8 copies it fastest). */
  private own: DecodedStatus | undefined;
  private frozen: Readonly<DecodedStatus> | undefined;

  constructor(
    macAddress: string,
    deviceName: string,
    raw: RawStatus,
    receivedAt: number,
    decode: () => DecodedStatus,
  ) {
    this.macAddress = macAddress;
    this.deviceName = deviceName;
    this.raw = raw;
    this.receivedAt = receivedAt;
    this.decode = decode;
    this.own = decode();
  }

  get status(): Readonly<DecodedStatus> {
    if (!this.frozen) {
      this.frozen = Object.freeze(this.own ?? this.decode());
      this.own = undefined;
    }
    return this.frozen;
  }

  copy(): DecodedStatus {
    this.takers--;
    const own = this.own;
    if (!own) return copyOf(this.status);
    if (this.takers > 0) return { ...own };
    this.own = undefined;
    return own;
  }
}

export interface StatusListenerOptions {
  units: UnitChoice;
  /** Seconds between status requests this listener wants; 0 = only on connect and on request. */
  intervalS: number;
  onStatus: (update: StatusUpdate) => void;
  /** A payload under the device wildcard that was not JSON (the caller rate-limits warnings). */
  onMalformed?: (reason: string) => void;
}

export interface StatusSubscription {
  /** Asks the device for a status now; rejects NAVIEN_MQTT_UNAVAILABLE while disconnected. */
  requestNow(): Promise<void>;
  /** The newest status in this listener's units, if any arrived yet. */
  latest(): StatusUpdate | undefined;
  /** Idempotent. The last close drops the subscription, the poll timer and the connection hold. */
  close(): void;
}

/** What a stream needs from the account (an interface so tests can pass a fake). */
export interface StreamHost {
  connection(): NavienMqtt;
  channel(device: DeviceAddress): DeviceChannel;
  rememberFeature(mac: string, feature: RawFeature): void;
  readonly logger: Logger;
  /** The decoder (tests pass a spy to count decodes). */
  decode?: typeof decodeStatus;
}

/**
 * A listener that joins within this time of a status request shares that request (and its
 * answer) instead of sending its own: 20 nodes deployed together cost one request.
 */
export const JOIN_COALESCE_MS = 2_000;

interface Listener {
  opts: StatusListenerOptions;
  open: boolean;
}

export class DeviceStatusStream {
  readonly macAddress: string;
  private deviceName: string;
  private readonly host: StreamHost;
  private readonly device: DeviceAddress;
  private readonly onEmpty: () => void;
  private readonly listeners = new Set<Listener>();
  private channel: DeviceChannel | undefined;
  private mqtt: NavienMqtt | undefined;
  private opened: Promise<void> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | undefined;
  private pollS = 0;
  private lastRequestAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private latestRaw: RawStatus | undefined;
  private latestAt = 0;
  /**
   * The newest message decoded per unit setting; emptied when the next message arrives. A plain
   * object with fixed keys, not a Map: Map.clear() allocates a new table and links the old one to
   * it, and a chain of such tables hanging off an old-generation Map kept every message's status
   * alive through young-generation GCs until the next full GC (bench/README.md).
   */
  private readonly decoded: Record<UnitChoice, DecodedUpdate | undefined> = {
    auto: undefined,
    C: undefined,
    F: undefined,
  };
  private readonly onConnected = (): void => this.requestQuietly();

  constructor(host: StreamHost, device: DeviceAddress, deviceName: string, onEmpty: () => void) {
    this.host = host;
    this.device = { ...device };
    this.macAddress = device.macAddress;
    this.deviceName = deviceName;
    this.onEmpty = onEmpty;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** When the newest status arrived (epoch ms), if one did since the stream started. */
  get lastStatusAt(): number | undefined {
    return this.latestRaw ? this.latestAt : undefined;
  }

  /** Later subscribers may know the name when the first only had an address. */
  nameDevice(name: string): void {
    if (name && name !== this.deviceName) this.deviceName = name;
  }

  add(opts: StatusListenerOptions): StatusSubscription {
    const listener: Listener = { opts, open: true };
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    this.schedulePolling();
    this.join(listener);
    return {
      requestNow: () => this.requestNow(),
      latest: () => (listener.open ? this.latest(opts.units) : undefined),
      close: () => this.remove(listener),
    };
  }

  private start(): void {
    const channel = this.host.channel(this.device);
    channel.on('status', (raw, receivedAt) => this.deliver(raw, receivedAt));
    channel.on('feature', (feature) => this.host.rememberFeature(this.macAddress, feature));
    channel.on('malformed', (reason) => {
      for (const l of [...this.listeners]) l.opts.onMalformed?.(reason);
    });
    const mqtt = this.host.connection();
    mqtt.acquire();
    mqtt.on('connected', this.onConnected);
    this.channel = channel;
    this.mqtt = mqtt;
    // Subscribe before any request: answers are not retained.
    this.opened = channel.open().catch((err: unknown) => {
      this.host.logger.debug(`status stream ${this.macAddress}: subscribe failed: ${String(err)}`);
    });
  }

  /** A new listener gets the answer to a request made moments ago, or a request of its own. */
  private join(listener: Listener): void {
    const now = Date.now();
    if (this.lastRequestAt !== undefined && now - this.lastRequestAt < JOIN_COALESCE_MS) {
      if (this.latestRaw && this.latestAt >= this.lastRequestAt) {
        setImmediate(() => {
          const update = this.latest(listener.opts.units);
          if (listener.open && update) this.call(listener, update);
        });
      }
      return;
    }
    void this.opened.then(() => this.requestQuietly());
  }

  private remove(listener: Listener): void {
    if (!listener.open) return;
    listener.open = false;
    this.listeners.delete(listener);
    if (this.listeners.size > 0) {
      this.schedulePolling();
      return;
    }
    this.stop();
    this.onEmpty();
  }

  /** The account is closing: every listener is dropped, timers and subscription go. */
  dispose(): void {
    if (this.listeners.size === 0) return;
    for (const l of this.listeners) l.open = false;
    this.listeners.clear();
    this.stop();
  }

  private stop(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.pollS = 0;
    this.channel?.close(); // drops the wildcard subscription when nothing else holds it
    this.channel = undefined;
    if (this.mqtt) {
      this.mqtt.off('connected', this.onConnected);
      this.mqtt.release();
    }
    this.mqtt = undefined;
    this.forgetDecoded();
    this.latestRaw = undefined;
  }

  /** One timer at the shortest interval any listener asked for; none when all asked for 0. */
  private schedulePolling(): void {
    let shortest = 0;
    for (const l of this.listeners) {
      const s = l.opts.intervalS;
      if (s > 0 && (shortest === 0 || s < shortest)) shortest = s;
    }
    if (shortest === this.pollS) return;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.pollS = shortest;
    if (shortest > 0) this.pollTimer = setInterval(() => this.requestQuietly(), shortest * 1000);
  }

  private requestNow(): Promise<void> {
    if (!this.mqtt || this.mqtt.state !== 'connected') {
      return Promise.reject(
        new NavienError('NAVIEN_MQTT_UNAVAILABLE', 'Not connected to the Navien MQTT service yet'),
      );
    }
    return this.opened.then(() => this.request());
  }

  /** Polls, reconnects and joins: nothing to report when disconnected (the next connect asks). */
  private requestQuietly(): void {
    if (!this.mqtt || this.mqtt.state !== 'connected') return;
    this.request().catch((err: unknown) =>
      this.host.logger.debug(`status request ${this.macAddress} failed: ${String(err)}`),
    );
  }

  /** Requests made while one is being published share it. */
  private request(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    const channel = this.channel;
    if (!channel) return Promise.resolve();
    this.lastRequestAt = Date.now();
    const pending = channel.requestStatus().finally(() => {
      if (this.inFlight === pending) this.inFlight = undefined;
    });
    this.inFlight = pending;
    return pending;
  }

  private latest(units: UnitChoice): StatusUpdate | undefined {
    if (!this.latestRaw) return undefined;
    return this.decodedFor(units, this.latestRaw, this.latestAt);
  }

  private decodedFor(units: UnitChoice, raw: RawStatus, receivedAt: number): DecodedUpdate {
    let update = this.decoded[units];
    if (!update) {
      const decode = this.host.decode ?? decodeStatus;
      // macAddress, deviceName and receivedAt are the decoder's tail: one object, no copy.
      const tail = {
        macAddress: this.macAddress,
        deviceName: this.deviceName,
        receivedAt: new Date(receivedAt).toISOString(),
      };
      update = new DecodedUpdate(this.macAddress, this.deviceName, raw, receivedAt, () =>
        decode(raw, { units }, tail),
      );
      this.decoded[units] = update;
    }
    return update;
  }

  private forgetDecoded(): void {
    this.decoded.auto = this.decoded.C = this.decoded.F = undefined;
  }

  private deliver(raw: RawStatus, receivedAt: number): void {
    this.latestRaw = raw;
    this.latestAt = receivedAt;
    this.forgetDecoded();
    for (const listener of this.listeners) {
      this.decodedFor(listener.opts.units, raw, receivedAt).takers++;
    }
    for (const listener of this.listeners) {
      this.call(listener, this.decodedFor(listener.opts.units, raw, receivedAt));
    }
  }

  /** One listener's failure must not keep the others from their status. */
  private call(listener: Listener, update: StatusUpdate): void {
    try {
      listener.opts.onStatus(update);
    } catch (err) {
      this.host.logger.warn(`status listener for ${this.macAddress} failed: ${String(err)}`);
    }
  }
}
