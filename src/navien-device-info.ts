import type { NodeAPI } from 'node-red';
import { registerRequestNode } from './node-red/request-node';
import { cachedBadge } from './node-red/status-badge';
import type { DeviceNodeDef } from './node-red/types';

export = function (RED: NodeAPI): void {
  registerRequestNode<DeviceNodeDef>(
    RED,
    'navien-device-info',
    async ({ account, msg, fresh, device }) => {
      const target = await device();
      const { value, fromCache } = await account.api.deviceInfo(target, { fresh });
      msg.topic = `navien/${target.macAddress}/info`;
      // /device/info has no error block (§9.8): the last reported error comes from the list entry.
      msg.payload = { ...value, lastError: target.lastError };
      msg.fromCache = fromCache;
      return {
        messages: msg,
        badge: cachedBadge(RED, target.deviceName || target.macAddress, fromCache),
      };
    },
  );
};
