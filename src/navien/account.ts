import { EventEmitter } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import { NavienApi } from './api';
import { DEFAULT_API_URL, DEFAULT_MQTT_URL, NWP500_DEVICE_TYPE } from './constants';
import { NavienError } from './errors';
import { NavienHttp } from './http';
import { FeatureCache } from './feature-cache';
import { normalizeMac } from './mac';
import { DeviceController, type ControllerOptions } from './control/controller';
import { decodeEnergy, type DecodedEnergy, type EnergyTotals } from './decode/energy';
import { decodeInstallerCounters, type InstallerCounters } from './decode/counters';
import {
  decodeEnergyHistory,
  decodeLifetime,
  type DecodedEnergyHistory,
} from './decode/energy-history';
import type { EnergyHistoryQuery } from './energy-history-request';
import { ConnectionLog } from './diagnostics/connection-log';
import { NavienMqtt, type NavienMqttState } from './mqtt/connection';
import { DeviceChannel } from './mqtt/device-channel';
import { requestEnergyUsage, type EnergyQuery } from './mqtt/energy';
import { requestEnergyHistory, requestInstallerCounters } from './mqtt/history';
import type { DeviceAddress } from './mqtt/topics';
import { KeyedQueue } from './keyed-queue';
import type { ScheduleHeater } from './program/schedule-action';
import type { RawScheduleProgram } from './program/schedule';
import type { RawTouProgram } from './program/tou-write';
import { readSchedule, writeSchedule, writeTou, type ProgramLink } from './programs';
import { NavienSession } from './session';
import {
  DeviceStatusStream,
  type StatusListenerOptions,
  type StatusSubscription,
  type StreamHost,
} from './status/stream';
import type { TokenStore } from './token-store';
import { type Device, type Logger, silentLogger } from './types';

export type ConnectionState = NavienMqttState;
export interface ConnectionStateChange {
  state: ConnectionState;
  error?: NavienError;
}

const MQTT_READY_TIMEOUT_MS = 20_000;
/** How long a program read or write waits for the heater unless told otherwise. */
const DEFAULT_ANSWER_TIMEOUT_MS = 30_000;

export interface NavienAccountOptions {
  email: string;
  password: string;
  /** Empty or undefined = the Navien cloud. */
  apiUrl?: string;
  mqttUrl?: string;
  /** How long REST answers are cached (issue 7), default 60 s. */
  cacheTtlMs?: number;
  tokenStore?: TokenStore;
  logger?: Logger;
  /** MQTT client id; random per account by default, stable across reconnects. */
  clientId?: string;
  mqttBackoff?: { initialMs?: number; maxMs?: number };
  requestTimeoutMs?: number;
  /** How long a request waits for the MQTT connection, default 20 s. */
  mqttReadyTimeoutMs?: number;
  /** How long a device gets to answer a feature request over MQTT, default 30 s. */
  deviceAnswerTimeoutMs?: number;
}

/**
 * Everything one Navien login gives access to: the token session, the REST API with its
 * cache, and the one MQTT connection shared by every node that uses the account.
 * Plain TypeScript; the Node-RED config node owns one of these.
 */
export class NavienAccount extends EventEmitter {
  readonly email: string;
  readonly apiUrl: string;
  readonly mqttUrl: string;
  readonly clientId: string;
  readonly sessionId: string;
  readonly session: NavienSession;
  readonly api: NavienApi;
  /** The REST client (read for its request counters). */
  readonly http: NavienHttp;
  /** Since when MQTT is up, how often it dropped and why (for diagnostics). */
  readonly connectionLog = new ConnectionLog();
  private readonly logger: Logger;
  private readonly mqttBackoff: { initialMs?: number; maxMs?: number } | undefined;
  private readonly mqttReadyTimeoutMs: number;
  private readonly deviceAnswerTimeoutMs: number | undefined;
  private mqttClient: NavienMqtt | undefined;
  private readonly features = new FeatureCache((device) =>
    this.withMqtt(async () => {
      const channel = this.channel(device);
      try {
        await channel.open();
        return await channel.requestFeatures(this.deviceAnswerTimeoutMs);
      } finally {
        channel.close();
      }
    }),
  );
  private readonly streams = new Map<string, DeviceStatusStream>();
  /** Program edits of one heater run one after the other, whichever node sends them. */
  private readonly programEdits = new KeyedQueue();
  private closed = false;

  constructor(opts: NavienAccountOptions) {
    super();
    this.email = opts.email;
    this.apiUrl = opts.apiUrl?.trim() || DEFAULT_API_URL;
    this.mqttUrl = opts.mqttUrl?.trim() || DEFAULT_MQTT_URL;
    this.logger = opts.logger ?? silentLogger;
    this.clientId = opts.clientId ?? `navien-nr-${randomBytes(6).toString('hex')}`;
    this.sessionId = randomUUID().replace(/-/g, '');
    this.mqttBackoff = opts.mqttBackoff;
    this.mqttReadyTimeoutMs = opts.mqttReadyTimeoutMs ?? MQTT_READY_TIMEOUT_MS;
    this.deviceAnswerTimeoutMs = opts.deviceAnswerTimeoutMs;
    const http = (this.http = new NavienHttp({
      baseUrl: this.apiUrl,
      logger: this.logger,
      ...(opts.requestTimeoutMs ? { timeoutMs: opts.requestTimeoutMs } : {}),
    }));
    this.session = new NavienSession({
      http,
      email: opts.email,
      password: opts.password,
      logger: this.logger,
      ...(opts.tokenStore ? { store: opts.tokenStore } : {}),
    });
    this.api = new NavienApi({
      session: this.session,
      email: opts.email,
      ...(opts.cacheTtlMs !== undefined ? { cacheTtlMs: opts.cacheTtlMs } : {}),
    });
  }

  /** The account's single MQTT connection, created on first use. */
  get mqtt(): NavienMqtt {
    if (this.closed) throw new NavienError('NAVIEN_CANCELLED', 'The Navien account was closed');
    if (!this.mqttClient) {
      const mqtt = new NavienMqtt({
        url: this.mqttUrl,
        clientId: this.clientId,
        credentials: () => this.session.awsCredentials(),
        renewCredentials: (reason) =>
          reason === 'forbidden'
            ? this.session.renewAwsCredentials(reason)
            : this.session.getTokens().then(() => undefined),
        logger: this.logger,
        ...(this.mqttBackoff ? { backoff: this.mqttBackoff } : {}),
      });
      // Every status/control node on the account listens to the one connection.
      mqtt.setMaxListeners(0);
      this.connectionLog.watch(mqtt);
      // While MQTT is in use the AWS credentials must be renewed before they expire.
      mqtt.on('state', (event: { state: string }) => {
        this.session.setKeepFresh(event.state !== 'idle' && event.state !== 'closed');
      });
      this.mqttClient = mqtt;
    }
    return this.mqttClient;
  }

  /** The MQTT connection's state; 'idle' until something needs MQTT. */
  get connectionState(): ConnectionState {
    return this.mqttClient?.state ?? 'idle';
  }

  /** Calls `listener` on every MQTT state change; returns the function that stops it. */
  onConnectionState(listener: (change: ConnectionStateChange) => void): () => void {
    const mqtt = this.mqtt;
    const handler = (change: ConnectionStateChange): void =>
      listener(
        change.error ? { state: change.state, error: change.error } : { state: change.state },
      );
    mqtt.on('state', handler);
    return () => mqtt.off('state', handler);
  }

  /** The devices with a live status stream: listeners and the newest status time (diagnostics). */
  statusStreams(): { macAddress: string; listeners: number; lastStatusAt?: number }[] {
    return [...this.streams.values()].map((s) => ({
      macAddress: s.macAddress,
      listeners: s.listenerCount,
      lastStatusAt: s.lastStatusAt,
    }));
  }

  /** The account's devices (cached REST list). */
  async listDevices(): Promise<Device[]> {
    return (await this.api.listDevices()).value;
  }

  /**
   * Follows one device's status over the shared stream: one subscription, one decode per unit
   * setting and one poll timer per device however many listeners (status/src/stream.ts).
   */
  subscribeStatus(
    device: Partial<DeviceAddress> & { macAddress: string; deviceName?: string },
    opts: StatusListenerOptions,
  ): StatusSubscription {
    const address = this.addressOf(device);
    const name = device.deviceName ?? '';
    let stream = this.streams.get(address.macAddress);
    if (!stream) {
      const created = new DeviceStatusStream(this.streamHost(), address, name, () => {
        if (this.streams.get(address.macAddress) === created)
          this.streams.delete(address.macAddress);
      });
      this.streams.set(address.macAddress, created);
      stream = created;
    } else {
      stream.nameDevice(name);
    }
    return stream.add(opts);
  }

  /**
   * The device's daily energy use for `query` (one MQTT round trip), decoded, with the heater's
   * lifetime totals from the answer's `total` block (null when it sent none).
   */
  async energyUsage(
    device: DeviceAddress,
    query: EnergyQuery,
  ): Promise<DecodedEnergy & { lifetime: EnergyTotals | null }> {
    const address = this.addressOf(device);
    const raw = await this.withMqtt(() =>
      requestEnergyUsage(this.mqtt, this.ids(), address, query, this.deviceAnswerTimeoutMs),
    );
    return { ...decodeEnergy(raw, query.year, query.months), lifetime: decodeLifetime(raw) };
  }

  /** Twelve months per year of `query.years` (§9.3 monthly query), with the lifetime totals. */
  async energyHistory(
    device: DeviceAddress,
    query: EnergyHistoryQuery,
  ): Promise<DecodedEnergyHistory> {
    const address = this.addressOf(device);
    const raw = await this.withMqtt(() =>
      requestEnergyHistory(this.mqtt, this.ids(), address, query, this.deviceAnswerTimeoutMs),
    );
    return decodeEnergyHistory(raw, query.years);
  }

  /** The installer counters (§9.4): lifetime energy, run hours, starts, fault counts. */
  async installerCounters(
    device: DeviceAddress & { homeSeq?: number | null },
  ): Promise<InstallerCounters> {
    const address = this.addressOf(device);
    const raw = await this.withMqtt(() =>
      requestInstallerCounters(
        this.mqtt,
        this.ids(),
        address,
        device.homeSeq ?? null,
        this.deviceAnswerTimeoutMs,
      ),
    );
    return decodeInstallerCounters(raw);
  }

  /** The heater's weekly program (§9.1), as the heater holds it. */
  readSchedule(
    device: DeviceAddress,
    timeoutMs = this.answerTimeoutMs,
  ): Promise<RawScheduleProgram> {
    return this.withMqtt(() => readSchedule(this.programLink(device), timeoutMs));
  }

  /** Replaces the weekly program; resolves once the heater shows it (else NAVIEN_TIMEOUT). */
  writeSchedule(
    device: DeviceAddress,
    program: RawScheduleProgram,
    timeoutMs = this.answerTimeoutMs,
  ): Promise<RawScheduleProgram> {
    return this.withMqtt(() => writeSchedule(this.programLink(device), program, timeoutMs));
  }

  /** What navien-schedule's actions work on: this heater's feature record and program. */
  scheduleHeater(device: DeviceAddress, timeoutMs = this.answerTimeoutMs): ScheduleHeater {
    return {
      feature: () => this.featureRecord(this.addressOf(device)),
      read: () => this.readSchedule(device, timeoutMs),
      write: (program) => this.writeSchedule(device, program, timeoutMs),
      exclusive: (work) => this.programEdits.run(device.macAddress, work),
    };
  }

  /**
   * Sends a TOU plan (§9.2) with the controller serial (given, else from the feature record)
   * and resolves with the plan the heater echoed.
   */
  async writeTou(
    device: DeviceAddress,
    program: RawTouProgram,
    opts: { controllerSerial?: string; timeoutMs?: number } = {},
  ): Promise<RawTouProgram> {
    const serial = opts.controllerSerial || (await this.controllerSerial(this.addressOf(device)));
    const timeoutMs = opts.timeoutMs ?? this.answerTimeoutMs;
    return this.withMqtt(() => writeTou(this.programLink(device), program, serial, timeoutMs));
  }

  private get answerTimeoutMs(): number {
    return this.deviceAnswerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  }

  private programLink(device: DeviceAddress): ProgramLink {
    return {
      mqtt: this.mqtt,
      ids: { clientId: this.clientId, sessionId: this.sessionId },
      device: this.addressOf(device),
    };
  }

  /** A command queue for one node; close() it from the node's close handler. */
  controller(opts: ControllerOptions = {}): DeviceController {
    return new DeviceController(this, opts);
  }

  /** Looks a device up by MAC in the (cached) device list. */
  async device(mac: string): Promise<Device> {
    const { value } = await this.api.getDevice(normalizeMac(mac));
    return value;
  }

  /** A channel to one device over the shared MQTT connection. Call `open()` before requests. */
  channel(device: DeviceAddress): DeviceChannel {
    return new DeviceChannel(this.mqtt, this.addressOf(device), {
      clientId: this.clientId,
      sessionId: this.sessionId,
    });
  }

  private ids(): { clientId: string; sessionId: string } {
    return { clientId: this.clientId, sessionId: this.sessionId };
  }

  private addressOf(device: Partial<DeviceAddress> & { macAddress: string }): DeviceAddress {
    return {
      macAddress: device.macAddress,
      additionalValue: device.additionalValue ?? '',
      deviceType: device.deviceType || NWP500_DEVICE_TYPE,
    };
  }

  private streamHost(): StreamHost {
    return {
      connection: () => this.mqtt,
      channel: (device) => this.channel(device),
      rememberFeature: (mac, feature) => this.rememberFeature(mac, feature),
      logger: this.logger,
    };
  }

  /** Resolves once the MQTT connection is up, holding a reference for the caller's work. */
  async withMqtt<T>(work: () => Promise<T>): Promise<T> {
    const mqtt = this.mqtt;
    mqtt.acquire();
    try {
      await mqtt.whenConnected({
        timeoutMs: this.mqttReadyTimeoutMs,
        onTimeout: () =>
          new NavienError(
            'NAVIEN_MQTT_UNAVAILABLE',
            `Could not connect to the Navien MQTT service within ${this.mqttReadyTimeoutMs / 1000} s`,
          ),
      });
      return await work();
    } finally {
      mqtt.release();
    }
  }

  /** The device's feature record ("DID"), cached for 30 minutes, one request at a time. */
  featureRecord(
    device: DeviceAddress,
    opts: { fresh?: boolean } = {},
  ): Promise<Record<string, unknown>> {
    return this.features.get(device, opts);
  }

  /** Status and control nodes see feature messages too; keep them for TOU and range checks. */
  rememberFeature(mac: string, feature: Record<string, unknown>): void {
    this.features.remember(mac, feature);
  }

  /** The controller serial number the TOU API needs (from the feature record). */
  controllerSerial(device: DeviceAddress): Promise<string> {
    return this.features.controllerSerial(device);
  }

  /** Stops everything this account started. Bounded: MQTT close is bounded by the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.dispose();
    this.streams.clear();
    this.session.close();
    if (this.mqttClient) await this.mqttClient.close();
    this.removeAllListeners();
  }
}
