import type { NodeAPI } from 'node-red';
import { parseScheduleAction, runScheduleAction, type UnitChoice } from './navien';
import { registerRequestNode } from './node-red/request-node';
import type { DeviceNodeDef } from './node-red/types';

interface ScheduleNodeDef extends DeviceNodeDef {
  units?: UnitChoice;
  /** Seconds to wait for the heater's answer and for a write's confirmation (default 30). */
  timeout?: string | number;
}

const DEFAULT_TIMEOUT_S = 30;

function timeoutMs(value: unknown): number {
  const n = typeof value === 'string' && value.trim() ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n * 1000 : DEFAULT_TIMEOUT_S * 1000;
}

export = function (RED: NodeAPI): void {
  registerRequestNode<ScheduleNodeDef>(
    RED,
    'navien-schedule',
    async ({ account, msg, device, config }) => {
      // The message's shape is checked before any cloud call.
      const action = parseScheduleAction(msg.payload);
      const units: UnitChoice =
        config.units === 'F' || config.units === 'C' ? config.units : 'auto';
      const target = await device();
      const output = await runScheduleAction(
        action,
        account.scheduleHeater(target, timeoutMs(config.timeout)),
        units,
      );
      msg.topic = `navien/${target.macAddress}/schedule`;
      msg.payload = output;
      const state = RED._(
        `node-red-contrib-navien/navien-schedule:navien-schedule.status.${output.enabled ? 'on' : 'off'}`,
        { count: output.entries.length },
      );
      const badge = output.ok
        ? RED._('node-red-contrib-navien/navien-schedule:navien-schedule.status.written', { state })
        : state;
      return { messages: msg, badge };
    },
  );
};
