import type { NodeAPI } from 'node-red';
import { registerRequestNode } from './node-red/request-node';
import { cachedBadge } from './node-red/status-badge';
import type { DeviceNodeDef } from './node-red/types';

export = function (RED: NodeAPI): void {
  registerRequestNode<DeviceNodeDef>(
    RED,
    'navien-firmware',
    async ({ account, msg, fresh, device }) => {
      const target = await device();
      const { value, fromCache } = await account.api.firmware(target, { fresh });
      msg.topic = `navien/${target.macAddress}/firmware`;
      msg.payload = value;
      msg.fromCache = fromCache;
      const pending = value.filter((c) => c.updatePending).length;
      const text = pending ? `${value.length} parts, ${pending} update` : `${value.length} parts`;
      return { messages: msg, badge: cachedBadge(RED, text, fromCache) };
    },
  );
};
