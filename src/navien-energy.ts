import type { NodeAPI } from 'node-red';
import {
  parseEnergyHistoryRequest,
  parseEnergyRequest,
  type Device,
  type EnergyHistoryQuery,
  type EnergyQuery,
  type NavienAccount,
} from './navien';
import { pickEnergyReport } from './node-red/energy-report';
import { registerRequestNode } from './node-red/request-node';
import type { DeviceNodeDef } from './node-red/types';

interface EnergyNodeDef extends DeviceNodeDef {
  /** '' (set by msg.payload.report, else daily), 'daily', 'monthly' or 'lifetime'. */
  report?: string;
}

/** A checked request: read before any cloud call, so a typo costs nothing. */
type Plan =
  | { report: 'daily'; query: EnergyQuery }
  | { report: 'monthly'; query: EnergyHistoryQuery }
  | { report: 'lifetime' };

interface Report {
  topic: string;
  payload: Record<string, unknown>;
  badge: string;
}

const kWh = (wh: number): number => Math.round(wh / 100) / 10;

async function daily(account: NavienAccount, target: Device, query: EnergyQuery): Promise<Report> {
  const decoded = await account.energyUsage(target, query);
  const period =
    query.months.length === 1
      ? `${query.year}-${String(query.months[0]).padStart(2, '0')}`
      : `${query.year} ×${query.months.length}`;
  return {
    topic: `navien/${target.macAddress}/energy`,
    payload: { ...decoded, report: 'daily' },
    badge: `${period}: ${kWh(decoded.totals.totalWh)} kWh`,
  };
}

async function monthly(
  account: NavienAccount,
  target: Device,
  query: EnergyHistoryQuery,
): Promise<Report> {
  const decoded = await account.energyHistory(target, query);
  const totalWh = decoded.years.reduce((sum, y) => sum + y.totals.totalWh, 0);
  const { years } = query;
  const period = years.length === 1 ? String(years[0]) : `${years[0]}…${years[years.length - 1]}`;
  return {
    topic: `navien/${target.macAddress}/energy/monthly`,
    payload: { report: 'monthly', ...decoded },
    badge: `${period}: ${kWh(totalWh)} kWh`,
  };
}

async function lifetime(account: NavienAccount, target: Device): Promise<Report> {
  const decoded = await account.installerCounters(target);
  const wh = (decoded.counters.heatPumpWh ?? 0) + (decoded.counters.elementWh ?? 0);
  return {
    topic: `navien/${target.macAddress}/energy/lifetime`,
    payload: { report: 'lifetime', ...decoded },
    badge: `lifetime: ${kWh(wh)} kWh`,
  };
}

function run(plan: Plan, account: NavienAccount, target: Device): Promise<Report> {
  switch (plan.report) {
    case 'daily':
      return daily(account, target, plan.query);
    case 'monthly':
      return monthly(account, target, plan.query);
    case 'lifetime':
      return lifetime(account, target);
  }
}

export = function (RED: NodeAPI): void {
  registerRequestNode<EnergyNodeDef>(
    RED,
    'navien-energy',
    async ({ node, config, account, msg, device }) => {
      const report = pickEnergyReport(config.report, msg.payload, () => {
        if (warnedNodes.has(node)) return;
        warnedNodes.add(node);
        node.warn(
          RED._('node-red-contrib-navien/navien-energy:navien-energy.warn.reportIgnored', {
            report: config.report ?? '',
          }),
        );
      });
      const now = new Date();
      const plan: Plan =
        report === 'daily'
          ? { report, query: parseEnergyRequest(msg.payload, now) }
          : report === 'monthly'
            ? { report, query: parseEnergyHistoryRequest(msg.payload, now) }
            : { report };
      const result = await run(plan, account, await device());
      msg.topic = result.topic;
      msg.payload = result.payload;
      return { messages: msg, badge: result.badge };
    },
  );
};

/** Nodes that already warned that msg.payload.report was ignored (once per node). */
const warnedNodes = new WeakSet<object>();
