import type { NodeAPI, NodeMessage } from 'node-red';
import { registerRequestNode } from './node-red/request-node';
import { commonText } from './node-red/i18n';
import type { DeviceNodeDef } from './node-red/types';

interface DevicesNodeDef extends DeviceNodeDef {
  /** One message per device instead of one array. */
  split?: boolean;
}

export = function (RED: NodeAPI): void {
  registerRequestNode<DevicesNodeDef>(
    RED,
    'navien-devices',
    async ({ account, msg, fresh, config }) => {
      const { value: devices, fromCache } = await account.api.listDevices({ fresh });
      const badge = commonText(RED, fromCache ? 'status.devicesCached' : 'status.devices', {
        count: devices.length,
      });
      if (config.split) {
        const messages: NodeMessage[] = devices.map((device) => {
          const copy = RED.util.cloneMessage(msg) as NodeMessage & Record<string, unknown>;
          copy.topic = `navien/${device.macAddress}/device`;
          copy.payload = device;
          // Ready to wire straight into any device node.
          copy.device = device;
          copy.fromCache = fromCache;
          return copy;
        });
        return { messages, badge };
      }
      msg.topic = 'navien/devices';
      msg.payload = devices;
      msg.fromCache = fromCache;
      return { messages: msg, badge };
    },
  );
};
