import type { NodeAPI } from 'node-red';
import { decodeFeature, type UnitChoice } from './navien';
import { registerRequestNode } from './node-red/request-node';
import { shortText } from './node-red/status-badge';
import type { DeviceNodeDef } from './node-red/types';

interface FeaturesNodeDef extends DeviceNodeDef {
  units?: UnitChoice;
}

export = function (RED: NodeAPI): void {
  registerRequestNode<FeaturesNodeDef>(
    RED,
    'navien-features',
    async ({ account, config, msg, device }) => {
      const target = await device();
      // Every input reads the heater afresh (and refreshes the cache the control node uses);
      // msg.fresh === false accepts a record up to 30 minutes old instead.
      const fresh = msg.fresh !== false && msg.fresh !== 'false';
      const raw = await account.featureRecord(target, { fresh });
      const units: UnitChoice =
        config.units === 'F' || config.units === 'C' ? config.units : 'auto';
      msg.topic = `navien/${target.macAddress}/features`;
      msg.payload = {
        ...decodeFeature(raw, { units }),
        macAddress: target.macAddress,
        deviceName: target.deviceName,
      };
      const decoded = msg.payload as { volumeName?: unknown };
      const summary =
        typeof decoded.volumeName === 'string'
          ? `${target.deviceName || target.macAddress} · ${decoded.volumeName}`
          : target.deviceName || target.macAddress;
      return { messages: msg, badge: shortText(summary) };
    },
  );
};
