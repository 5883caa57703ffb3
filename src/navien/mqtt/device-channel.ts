/**
 * Request/response plumbing for one device over the account's shared MQTT connection
 * (NAVIEN-PROTOCOL.md §2.5): subscribe to the device wildcard, publish requests, sort answers.
 */
import { EventEmitter } from 'node:events';
import { NavienError } from '../errors';
import type { NavienMqtt } from './connection';
import {
  buildRequest,
  classifyMessage,
  Command,
  type RawFeature,
  type RawStatus,
  type RequestEnvelope,
} from './envelope';
import {
  controlTopic,
  deviceWildcardTopic,
  featureRequestTopic,
  responseTopic,
  statusRequestTopic,
  type DeviceAddress,
} from './topics';

export type { RawFeature, RawStatus } from './envelope';

export interface DeviceChannelEvents {
  /** A status object (`response.status`) and when it arrived (epoch ms). */
  status: [status: RawStatus, receivedAt: number];
  feature: [feature: RawFeature];
  /** Any other answer under the device wildcard (e.g. a control acknowledgement). */
  other: [response: unknown, topic: string];
  /** A payload that was not JSON; dropped. The caller rate-limits warnings. */
  malformed: [reason: string, topic: string];
}

export interface ChannelIds {
  clientId: string;
  sessionId: string;
}

export class DeviceChannel extends EventEmitter<DeviceChannelEvents> {
  readonly device: DeviceAddress;
  private readonly mqtt: NavienMqtt;
  private readonly ids: ChannelIds;
  private readonly wildcard: string;
  private unsubscribe: (() => void) | null = null;
  private readonly featureWaiters = new Set<(feature: RawFeature) => void>();
  private closed = false;

  constructor(mqtt: NavienMqtt, device: DeviceAddress, ids: ChannelIds) {
    super();
    this.mqtt = mqtt;
    this.device = { ...device };
    this.ids = { ...ids };
    this.wildcard = deviceWildcardTopic(device.deviceType, device.macAddress);
  }

  /** Subscribes to the device wildcard; resolves once the broker confirmed it (when connected). */
  async open(): Promise<void> {
    if (this.closed) throw new NavienError('NAVIEN_CANCELLED', 'This device channel was closed');
    if (!this.unsubscribe) {
      this.unsubscribe = this.mqtt.subscribe(this.wildcard, (topic, payload) =>
        this.onMessage(topic, payload),
      );
    }
    await this.mqtt.whenSubscribed(this.wildcard);
  }

  /** Asks for a fresh status; the answer arrives as a 'status' event. */
  requestStatus(): Promise<void> {
    return this.send(
      Command.STATUS_REQUEST,
      statusRequestTopic(this.device.deviceType, this.device.macAddress),
    );
  }

  /** Asks for the feature ("DID") record and resolves with the next one that arrives. */
  requestFeatures(timeoutMs = 30_000): Promise<RawFeature> {
    this.assertOpen();
    return new Promise<RawFeature>((resolve, reject) => {
      const onFeature = (feature: RawFeature): void => {
        clearTimeout(timer);
        this.featureWaiters.delete(onFeature);
        resolve(feature);
      };
      const timer = setTimeout(() => {
        this.featureWaiters.delete(onFeature);
        reject(
          new NavienError(
            'NAVIEN_TIMEOUT',
            `The device ${this.device.macAddress} did not send its feature record within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      }, timeoutMs);
      this.featureWaiters.add(onFeature);
      this.send(
        Command.DEVICE_INFO_REQUEST,
        featureRequestTopic(this.device.deviceType, this.device.macAddress),
      ).catch((err: unknown) => {
        clearTimeout(timer);
        this.featureWaiters.delete(onFeature);
        reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  /** Publishes a mode-style control command (§2.7) to `/ctrl`. */
  sendControl(command: number, mode: string, param: number[]): Promise<void> {
    return this.send(command, controlTopic(this.device.deviceType, this.device.macAddress), {
      mode,
      param: [...param],
      paramStr: '',
    });
  }

  /** Builds the request envelope for `command` published to `requestTopic` (exposed for tests). */
  envelope(
    command: number,
    requestTopic: string,
    extra?: Record<string, unknown>,
  ): RequestEnvelope {
    return buildRequest({
      clientId: this.ids.clientId,
      sessionId: this.ids.sessionId,
      device: this.device,
      command,
      requestTopic,
      responseTopic: responseTopic(
        this.device.deviceType,
        this.device.macAddress,
        this.ids.clientId,
      ),
      ...(extra ? { extra } : {}),
    });
  }

  /** Drops the subscription reference and every listener this channel added. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.featureWaiters.clear();
    this.removeAllListeners();
  }

  private send(command: number, topic: string, extra?: Record<string, unknown>): Promise<void> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.mqtt.publish(topic, this.envelope(command, topic, extra));
  }

  private assertOpen(): void {
    if (this.closed) throw new NavienError('NAVIEN_CANCELLED', 'This device channel was closed');
    if (!this.unsubscribe) {
      // Answers are not retained: without the subscription the reply would be lost.
      throw new NavienError('NAVIEN_INVALID_INPUT', 'DeviceChannel.open() must be called first');
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (this.closed) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      this.emit('malformed', `not JSON (${payload.length} bytes)`, topic);
      return;
    }
    const msg = classifyMessage(json);
    switch (msg.kind) {
      case 'request':
        return; // the broker echoes our own requests back to the wildcard
      case 'status':
        this.emit('status', msg.status, Date.now());
        return;
      case 'feature':
        for (const waiter of [...this.featureWaiters]) waiter(msg.feature);
        this.emit('feature', msg.feature);
        return;
      default:
        if (typeof json !== 'object' || json === null) {
          this.emit('malformed', 'not a JSON object', topic);
          return;
        }
        this.emit('other', msg.response, topic);
    }
  }
}
