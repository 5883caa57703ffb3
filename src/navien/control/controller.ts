/**
 * Sends validated control commands over the account's MQTT connection and confirms each one
 * with a status that reflects it. Commands run one at a time, in arrival order. While the
 * connection is down they wait (at most `queueLimitMs` from arrival, like the library's 300 s
 * queue, §5); a command older than that is dropped with an error, never replayed.
 */
import type { DeviceAddress } from '../mqtt/topics';
import type { UnitChoice } from '../decode/units';
import { NavienError, errorText } from '../errors';
import type { NavienMqtt } from '../mqtt/connection';
import type { DeviceChannel, RawStatus } from '../mqtt/device-channel';
import { buildControlSteps, needsFeature, type ControlEntry, type ControlStep } from './commands';
import { confirms } from './confirm';

/** What the controller needs from a NavienAccount (an interface so tests can fake it). */
export interface ControlAccount {
  readonly mqtt: NavienMqtt;
  channel(device: DeviceAddress): DeviceChannel;
  featureRecord(device: DeviceAddress): Promise<Record<string, unknown>>;
}

export interface ControllerOptions {
  /** How long to wait for a status that reflects a command (default 30 s). */
  confirmTimeoutMs?: number;
  /** How long a command may wait for the connection (default 5 minutes). */
  queueLimitMs?: number;
  /** Waiting commands beyond this drop the oldest one (default 100, as the library). */
  queueCapacity?: number;
}

export interface ControlRequest {
  device: DeviceAddress;
  entries: ControlEntry[];
  units: UnitChoice;
}

export interface ControlOutcome {
  /** The commands sent, in order, each confirmed. */
  steps: ControlStep[];
  /** The raw status that confirmed the last command. */
  status: RawStatus;
}

interface Job {
  request: ControlRequest;
  enqueuedAt: number;
  resolve: (outcome: ControlOutcome) => void;
  reject: (err: unknown) => void;
}

export const DEFAULT_CONFIRM_TIMEOUT_MS = 30_000;
export const DEFAULT_QUEUE_LIMIT_MS = 5 * 60_000;
const DEFAULT_QUEUE_CAPACITY = 100;
/** Ask for a status once, part-way through the wait, in case the heater's answer was lost. */
const STATUS_NUDGE_FRACTION = 0.5;

function describeEntries(entries: readonly ControlEntry[]): string {
  return JSON.stringify(Object.fromEntries(entries.map((e) => [e.key, e.value])));
}

export class DeviceController {
  private readonly account: ControlAccount;
  private readonly confirmTimeoutMs: number;
  private readonly queueLimitMs: number;
  private readonly queueCapacity: number;
  private readonly queue: Job[] = [];
  /** Cancels whatever the running job waits for (used by close()). */
  private readonly aborts = new Set<(err: NavienError) => void>();
  private mqtt: NavienMqtt | null = null;
  private running = false;
  private closed = false;

  constructor(account: ControlAccount, opts: ControllerOptions = {}) {
    this.account = account;
    this.confirmTimeoutMs = opts.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
    this.queueLimitMs = opts.queueLimitMs ?? DEFAULT_QUEUE_LIMIT_MS;
    this.queueCapacity = opts.queueCapacity ?? DEFAULT_QUEUE_CAPACITY;
  }

  /** Commands waiting behind the running one. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Queues one message's commands; resolves once all of them are confirmed. */
  submit(request: ControlRequest): Promise<ControlOutcome> {
    if (this.closed)
      return Promise.reject(new NavienError('NAVIEN_CANCELLED', 'The control node was closed'));
    if (!this.mqtt) {
      // Hold the connection open (and reconnecting) for as long as this controller lives.
      this.mqtt = this.account.mqtt;
      this.mqtt.acquire();
    }
    return new Promise<ControlOutcome>((resolve, reject) => {
      this.queue.push({ request, enqueuedAt: Date.now(), resolve, reject });
      if (this.queue.length > this.queueCapacity) {
        const dropped = this.queue.shift();
        dropped?.reject(
          new NavienError(
            'NAVIEN_MQTT_UNAVAILABLE',
            `Dropped ${describeEntries(dropped.request.entries)}: more than ${this.queueCapacity} commands were waiting for the Navien cloud; nothing was sent`,
          ),
        );
      }
      this.pump();
    });
  }

  /** Cancels waiting and running commands and lets go of the connection. Synchronous. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const cancelled = new NavienError('NAVIEN_CANCELLED', 'The control node was closed');
    for (const job of this.queue.splice(0)) job.reject(cancelled);
    for (const abort of [...this.aborts]) abort(cancelled);
    this.aborts.clear();
    this.mqtt?.release();
    this.mqtt = null;
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = true;
    this.execute(job)
      .then(job.resolve, job.reject)
      .finally(() => {
        this.running = false;
        this.pump();
      });
  }

  private async execute(job: Job): Promise<ControlOutcome> {
    const { device, entries, units } = job.request;
    await this.whenConnected(job);
    const feature = needsFeature(entries) ? await this.account.featureRecord(device) : {};
    // Throws before anything is published when any key is invalid or unsupported.
    const steps = buildControlSteps(entries, feature, units);
    const channel = this.account.channel(device);
    try {
      await channel.open();
      let status: RawStatus = {};
      const done: string[] = [];
      for (const step of steps) {
        await this.whenConnected(job);
        try {
          status = await this.sendAndConfirm(channel, step);
        } catch (err) {
          if (err instanceof NavienError && done.length > 0) {
            throw new NavienError(
              err.code,
              `${err.message} (already confirmed: ${done.join(', ')})`,
              {
                cause: err,
                retriable: err.retriable,
              },
            );
          }
          throw err;
        }
        done.push(step.label);
      }
      return { steps, status };
    } finally {
      channel.close();
    }
  }

  /** Resolves when connected; rejects when the job has outlived the queue limit. */
  private whenConnected(job: Job): Promise<void> {
    const mqtt = this.mqtt;
    if (this.closed || !mqtt)
      return Promise.reject(new NavienError('NAVIEN_CANCELLED', 'The control node was closed'));
    const stale = (): NavienError =>
      new NavienError(
        'NAVIEN_MQTT_UNAVAILABLE',
        `Dropped ${describeEntries(job.request.entries)}: the Navien cloud was unreachable for more than ${Math.round(this.queueLimitMs / 1000)} s after the command arrived, and old commands are never replayed; nothing more was sent`,
      );
    // A command only goes stale while it waits for the connection: with a queue limit of 0 a
    // command is sent at once while connected and refused at once while offline.
    if (mqtt.state === 'connected') return Promise.resolve();
    const left = job.enqueuedAt + this.queueLimitMs - Date.now();
    if (left <= 0) return Promise.reject(stale());
    // close() aborts the wait through the same set that cancels confirmations.
    const aborter = new AbortController();
    const abort = (err: NavienError): void => aborter.abort(err);
    this.aborts.add(abort);
    return mqtt
      .whenConnected({ timeoutMs: left, onTimeout: stale, signal: aborter.signal })
      .finally(() => this.aborts.delete(abort));
  }

  /** Publishes one command and waits for a status that reflects it. */
  private sendAndConfirm(channel: DeviceChannel, step: ControlStep): Promise<RawStatus> {
    const timeoutMs = this.confirmTimeoutMs;
    return new Promise<RawStatus>((resolve, reject) => {
      let settled = false;
      const finish = (err: NavienError | undefined, status?: RawStatus): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(nudge);
        channel.off('status', onStatus);
        this.aborts.delete(abort);
        if (err) reject(err);
        else resolve(status ?? {});
      };
      const abort = (err: NavienError): void => finish(err);
      // Listen before publishing: the heater's answer may beat the broker's PUBACK.
      const onStatus = (status: RawStatus): void => {
        if (confirms(step, status)) finish(undefined, status);
      };
      const timer = setTimeout(
        () =>
          finish(
            new NavienError(
              'NAVIEN_TIMEOUT',
              `The device ${channel.device.macAddress} did not confirm ${step.label} within ${Math.round(timeoutMs / 100) / 10} s`,
            ),
          ),
        timeoutMs,
      );
      const nudge = setTimeout(() => {
        channel.requestStatus().catch(() => undefined);
      }, timeoutMs * STATUS_NUDGE_FRACTION);
      channel.on('status', onStatus);
      this.aborts.add(abort);
      channel.sendControl(step.code, step.mode, step.param).catch((err: unknown) => {
        finish(
          err instanceof NavienError
            ? err
            : new NavienError(
                'NAVIEN_MQTT_UNAVAILABLE',
                `Could not send ${step.label}: ${errorText(err)}`,
              ),
        );
      });
    });
  }
}
