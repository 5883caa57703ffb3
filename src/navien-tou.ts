import type { NodeAPI } from 'node-red';
import { decodeTouProgram, parseTouAction } from './navien';
import { registerRequestNode } from './node-red/request-node';
import { cachedBadge } from './node-red/status-badge';
import type { DeviceNodeDef } from './node-red/types';

interface TouNodeDef extends DeviceNodeDef {
  /** Controller serial number; empty = msg.controllerId, else read from the device. */
  controllerId?: string;
}

export = function (RED: NodeAPI): void {
  registerRequestNode<TouNodeDef>(
    RED,
    'navien-tou',
    async ({ account, msg, fresh, device, config }) => {
      // A write is checked in full before any cloud call.
      const action = parseTouAction(msg.payload);
      const target = await device();
      const fromMsg = typeof msg.controllerId === 'string' ? msg.controllerId.trim() : '';
      const controllerId =
        config.controllerId?.trim() || fromMsg || (await account.controllerSerial(target));
      msg.topic = `navien/${target.macAddress}/tou`;
      if (action.action === 'write') {
        const held = await account.writeTou(target, action.program, {
          controllerSerial: controllerId,
        });
        msg.payload = { ...decodeTouProgram(held), controllerId, ok: true };
        return {
          messages: msg,
          badge: RED._('node-red-contrib-navien/navien-tou:navien-tou.status.written'),
        };
      }
      const { value, fromCache } = await account.api.tou(target, controllerId, { fresh });
      msg.payload = value;
      msg.fromCache = fromCache;
      return { messages: msg, badge: cachedBadge(RED, value.name ?? 'TOU plan', fromCache) };
    },
  );
};
