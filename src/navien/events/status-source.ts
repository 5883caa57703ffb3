/**
 * STOPGAP until the shared status stream lands (the "stream" branch): the same face,
 * `subscribeStatus` / `onConnectionState` / `connectionState`, built on today's
 * `account.channel(...)` path so navien-events runs and is tested now. Unlike the real stream it
 * polls per subscription (no sharing between nodes). When the stream is merged, point
 * `statusSourceFor` at the account itself and delete this file.
 */
import type { NavienAccount } from '../account';
import { decodeStatus, type DecodedStatus, type UnitChoice } from '../decode/status';
import type { NavienMqttState } from '../mqtt/connection';
import type { DeviceChannel, RawStatus } from '../mqtt/device-channel';
import type { Device } from '../types';

export type ConnectionState = NavienMqttState;

export interface StatusUpdate {
  macAddress: string;
  deviceName: string;
  /** What navien-status outputs as payload. */
  status: DecodedStatus;
  raw: RawStatus;
  receivedAt: number;
  copy(): DecodedStatus;
}

export interface StatusSubscribeOptions {
  units: UnitChoice;
  /** 0 = no polling from this listener. */
  intervalS: number;
  onStatus: (update: StatusUpdate) => void;
  onMalformed?: (reason: string) => void;
}

export interface StatusSubscription {
  requestNow(): Promise<void>;
  latest(): StatusUpdate | undefined;
  close(): void;
}

export interface StatusSource {
  subscribeStatus(device: Device, opts: StatusSubscribeOptions): StatusSubscription;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  readonly connectionState: ConnectionState;
}

class ChannelSubscription implements StatusSubscription {
  private readonly channel: DeviceChannel;
  private readonly account: NavienAccount;
  private readonly opts: StatusSubscribeOptions;
  private readonly device: Device;
  private readonly requestOnConnect = (): void => void this.requestNow().catch(() => undefined);
  private pollTimer: NodeJS.Timeout | undefined;
  private last: StatusUpdate | undefined;
  private closed = false;

  constructor(account: NavienAccount, device: Device, opts: StatusSubscribeOptions) {
    this.account = account;
    this.device = device;
    this.opts = opts;
    this.channel = account.channel(device);
    this.channel.on('status', (raw, receivedAt) => this.onStatus(raw, receivedAt));
    this.channel.on('feature', (feature) => account.rememberFeature(device.macAddress, feature));
    this.channel.on('malformed', (reason) => opts.onMalformed?.(reason));
    const mqtt = account.mqtt;
    mqtt.acquire();
    mqtt.on('connected', this.requestOnConnect);
    if (opts.intervalS > 0) {
      this.pollTimer = setInterval(this.requestOnConnect, opts.intervalS * 1000);
    }
    // Subscribe before requesting: answers are not retained.
    void this.channel
      .open()
      .then(() => (this.account.mqtt.state === 'connected' ? this.requestNow() : undefined))
      .catch(() => undefined);
  }

  requestNow(): Promise<void> {
    if (this.closed || this.account.mqtt.state !== 'connected') return Promise.resolve();
    return this.channel.requestStatus();
  }

  latest(): StatusUpdate | undefined {
    return this.last;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.channel.close();
    const mqtt = this.account.mqtt;
    mqtt.off('connected', this.requestOnConnect);
    mqtt.release();
  }

  private onStatus(raw: RawStatus, receivedAt: number): void {
    const status = decodeStatus(raw, { units: this.opts.units });
    status.macAddress = this.device.macAddress;
    status.deviceName = this.device.deviceName;
    status.receivedAt = new Date(receivedAt).toISOString();
    this.last = {
      macAddress: this.device.macAddress,
      deviceName: this.device.deviceName,
      status,
      raw,
      receivedAt,
      copy: () => ({ ...status }),
    };
    this.opts.onStatus(this.last);
  }
}

/** The account's status face (today: the stopgap above). */
export function statusSourceFor(account: NavienAccount): StatusSource {
  return {
    subscribeStatus: (device, opts) => new ChannelSubscription(account, device, opts),
    onConnectionState: (listener) => {
      const mqtt = account.mqtt;
      const onState = (change: { state: ConnectionState }): void => listener(change.state);
      mqtt.on('state', onState);
      return () => mqtt.off('state', onState);
    },
    get connectionState() {
      return account.mqtt.state;
    },
  };
}
