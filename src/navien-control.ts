import type { Node, NodeAPI } from 'node-red';
import {
  decodeStatus,
  DEFAULT_CONFIRM_TIMEOUT_MS,
  DEFAULT_QUEUE_LIMIT_MS,
  NavienError,
  parseControlPayload,
  toNavienError,
  type ControlStep,
  type Device,
  type DeviceController,
  type NavienAccount,
  type UnitChoice,
} from './navien';
import { attachAccount, requireAccount } from './node-red/account-ref';
import { explainTimeout, pickDeviceMac } from './node-red/device-target';
import { commonText } from './node-red/i18n';
import { reportError } from './node-red/report-error';
import { okBadge, shortText } from './node-red/status-badge';
import type { DeviceNodeDef, NavienInputMessage } from './node-red/types';

interface ControlNodeDef extends DeviceNodeDef {
  units?: UnitChoice;
  /** Default command (JSON text) used when msg.payload is empty. */
  command?: string;
  /** Seconds to wait for the heater to confirm each command. */
  timeout?: string | number;
  /** Seconds a command may wait for a lost connection (0 = fail at once). */
  queueTime?: string | number;
}

function seconds(value: unknown, fallbackMs: number, min: number): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim()
        ? Number(value)
        : NaN;
  return Number.isFinite(n) && n >= min ? n * 1000 : fallbackMs;
}

function isEmpty(payload: unknown): boolean {
  return (
    payload === undefined ||
    payload === null ||
    (typeof payload === 'string' && payload.trim() === '') ||
    (typeof payload === 'object' && !Array.isArray(payload) && Object.keys(payload).length === 0)
  );
}

/** A JSON object in a string (e.g. from an MQTT-in node) is read as the object. */
function readPayload(payload: unknown): unknown {
  if (typeof payload !== 'string' || !payload.trim().startsWith('{')) return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    throw new NavienError('NAVIEN_INVALID_INPUT', 'msg.payload is a string but not valid JSON');
  }
}

function badgeLabel(steps: readonly ControlStep[]): string {
  const first = steps[0]?.label ?? '';
  return steps.length > 1 ? `${first} +${steps.length - 1}` : first;
}

export = function (RED: NodeAPI): void {
  function NavienControlNode(this: Node, config: ControlNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { accountNode, release } = attachAccount(RED, node, config.account);
    const units: UnitChoice = config.units === 'F' || config.units === 'C' ? config.units : 'auto';
    const confirmTimeoutMs = seconds(config.timeout, DEFAULT_CONFIRM_TIMEOUT_MS, 1);
    const queueLimitMs = seconds(config.queueTime, DEFAULT_QUEUE_LIMIT_MS, 0);
    const text = (key: string, subs?: Record<string, string | number>): string =>
      RED._(`node-red-contrib-navien/navien-control:navien-control.status.${key}`, subs);
    let controller: DeviceController | undefined;
    let warnedAboutMsgDevice = false;

    // The editor validates the default command; a hand-edited flow may still hold bad JSON.
    let defaultCommand: unknown;
    let defaultError: NavienError | undefined;
    if (config.command?.trim()) {
      try {
        defaultCommand = JSON.parse(config.command) as unknown;
      } catch {
        defaultError = new NavienError(
          'NAVIEN_INVALID_INPUT',
          'The node\'s default command is not valid JSON: fix it in the node\'s "Command" field',
        );
      }
    }

    const controllerFor = (account: NavienAccount): DeviceController => {
      controller ??= account.controller({ confirmTimeoutMs, queueLimitMs });
      return controller;
    };

    node.on('input', (msg: NavienInputMessage, send, done) => {
      let device: Device | undefined;
      const run = async (): Promise<void> => {
        const account = requireAccount(accountNode);
        let payload = readPayload(msg.payload);
        if (isEmpty(payload)) {
          if (defaultError) throw defaultError;
          if (defaultCommand === undefined)
            throw new NavienError(
              'NAVIEN_INVALID_INPUT',
              'msg.payload is empty and the node has no default command: send e.g. {"temperature": 125}',
            );
          payload = defaultCommand;
        }
        // Shape errors are reported before any cloud call: nothing is sent for a bad message.
        const entries = parseControlPayload(payload);
        const mac = pickDeviceMac(config.device, msg.device, () => {
          if (warnedAboutMsgDevice) return;
          warnedAboutMsgDevice = true;
          node.warn(commonText(RED, 'warn.msgDeviceIgnored'));
        });
        device = await account.device(mac);
        const ctl = controllerFor(account);
        const queued = account.connectionState !== 'connected';
        node.status(
          queued
            ? { fill: 'yellow', shape: 'ring', text: text('queued', { count: ctl.waiting + 1 }) }
            : { fill: 'blue', shape: 'dot', text: text('sending') },
        );
        const outcome = await ctl.submit({
          device: {
            macAddress: device.macAddress,
            additionalValue: device.additionalValue,
            deviceType: device.deviceType,
          },
          entries,
          units,
        });
        msg.topic = `navien/${device.macAddress}/control`;
        msg.payload = {
          ok: true,
          command: outcome.steps.map((s) => ({
            key: s.key,
            value: s.value,
            mode: s.mode,
            code: s.code,
            param: [...s.param],
          })),
          requested: Object.fromEntries(entries.map((e) => [e.key, e.value])),
          status: {
            ...decodeStatus(outcome.status, { units }),
            macAddress: device.macAddress,
            deviceName: device.deviceName,
          },
        };
        node.status(okBadge(text('confirmed', { label: badgeLabel(outcome.steps) })));
        send(msg);
        done();
      };
      run().catch((err: unknown) => {
        const error = reportError(RED, node, explainTimeout(err, device), msg, done);
        if (error.code === 'NAVIEN_TIMEOUT')
          node.status({ fill: 'red', shape: 'ring', text: shortText(text('notConfirmed')) });
      });
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      controller?.close();
      controller = undefined;
      release();
      done();
    });

    if (!accountNode) {
      node.status({ fill: 'red', shape: 'ring', text: commonText(RED, 'status.noAccount') });
    } else if (defaultError) {
      node.status({ fill: 'red', shape: 'ring', text: commonText(RED, 'status.badInput') });
      node.warn(toNavienError(defaultError).message);
    }
  }

  RED.nodes.registerType('navien-control', NavienControlNode);
};
