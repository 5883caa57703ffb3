import type { NodeAPI } from 'node-red';
import { parseEnergyRequest } from './navien';
import { registerRequestNode } from './node-red/request-node';
import type { DeviceNodeDef } from './node-red/types';

export = function (RED: NodeAPI): void {
  registerRequestNode<DeviceNodeDef>(RED, 'navien-energy', async ({ account, msg, device }) => {
    // Check the request before any cloud call, so a typo costs nothing.
    const query = parseEnergyRequest(msg.payload, new Date());
    const target = await device();
    const decoded = await account.energyUsage(target, query);
    msg.topic = `navien/${target.macAddress}/energy`;
    msg.payload = decoded;
    const kWh = Math.round(decoded.totals.totalWh / 100) / 10;
    const period =
      query.months.length === 1
        ? `${query.year}-${String(query.months[0]).padStart(2, '0')}`
        : `${query.year} ×${query.months.length}`;
    return { messages: msg, badge: `${period}: ${kWh} kWh` };
  });
};
