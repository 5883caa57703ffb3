/**
 * The two lifetime-minded queries of NAVIEN-PROTOCOL.md §9.3 and §9.4: the monthly energy
 * history (answer on the client-keyed topic) and the installer counters (answer only on the
 * five-segment topic, which needs the device's homeSeq). Wire facts live in
 * protocol/programs.ts and energy-history-request.ts; this file only sends and waits.
 */
import {
  answersMonthlyQuery,
  monthlyQueryFields,
  type EnergyHistoryQuery,
} from '../energy-history-request';
import { diagnosticsReplyTopic, ProgramCommand, ProgramTopics } from '../protocol/programs';
import type { NavienMqtt } from './connection';
import type { ChannelIds } from './device-channel';
import { requestOnce } from './one-shot';
import { clientResponseTopic, type DeviceAddress } from './topics';

/** Asks for the months of `query.years`; resolves with the raw `response`. */
export function requestEnergyHistory(
  mqtt: NavienMqtt,
  ids: ChannelIds,
  device: DeviceAddress,
  query: EnergyHistoryQuery,
  timeoutMs?: number,
): Promise<Record<string, unknown>> {
  const topics = ProgramTopics.energyMonthly;
  return requestOnce(mqtt, ids, device, {
    command: ProgramCommand.ENERGY_USAGE_MONTHLY_QUERY,
    requestSuffix: topics.request,
    replyTopic: clientResponseTopic(device.deviceType, ids.clientId, topics.reply),
    extra: monthlyQueryFields(query),
    matches: (response) => answersMonthlyQuery(response, device.macAddress, query),
    what: 'its monthly energy history',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}

/**
 * Asks for the installer counters. `homeSeq` goes into the reply topic; the cloud does not check
 * it (§9.4), so a device listed without one uses 0.
 */
export function requestInstallerCounters(
  mqtt: NavienMqtt,
  ids: ChannelIds,
  device: DeviceAddress,
  homeSeq: number | null,
  timeoutMs?: number,
): Promise<Record<string, unknown>> {
  return requestOnce(mqtt, ids, device, {
    command: ProgramCommand.DIAGNOSTICS_REQUEST,
    requestSuffix: ProgramTopics.diagnostics.request,
    replyTopic: diagnosticsReplyTopic(device.deviceType, homeSeq ?? 0, ids.clientId),
    // The reply topic is the client's; only the device tells answers apart.
    matches: (response) =>
      typeof response.macAddress !== 'string' || response.macAddress === device.macAddress,
    what: 'its installer counters',
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}
