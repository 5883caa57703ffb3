/**
 * The simulated heater's answers to the monthly energy query and the installer-counters query
 * (NAVIEN-PROTOCOL.md §9.3, §9.4). The counters come only on the five-segment reply topic the
 * client names, as the cloud republishes JSON only there; any other reply topic gets nothing.
 */
import { clientResponseTopic } from '../navien/mqtt/topics';
import { ProgramCommand, ProgramTopics } from '../navien/protocol/programs';
import type { Heater } from './heater';

/** `cmd/<type>/<homeSeq>/<userSeq>/<clientId>/res/td/rd`. */
const COUNTERS_REPLY = /^cmd\/\d+\/[^/]+\/[^/]+\/[^/]+\/res\/td\/rd$/;

export interface HistoryRequest {
  suffix: string;
  clientId: string;
  deviceType: number;
  responseTopic: string | undefined;
  request: Record<string, unknown> & { command: number };
}

/**
 * Answers `req` through `reply` (topic, response body) when it is one of the two queries;
 * returns false when it is not, so the caller can treat the request as it would otherwise.
 */
export function answerHistory(
  heater: Heater,
  req: HistoryRequest,
  reply: (topic: string, response: object) => void,
  log: (line: string) => void,
): boolean {
  const { suffix, request } = req;
  if (
    suffix === ProgramTopics.energyMonthly.request &&
    request.command === ProgramCommand.ENERGY_USAGE_MONTHLY_QUERY
  ) {
    const years = Array.isArray(request.year)
      ? request.year.filter((y): y is number => Number.isInteger(y))
      : [];
    const topic = clientResponseTopic(
      req.deviceType,
      req.clientId,
      ProgramTopics.energyMonthly.reply,
    );
    reply(topic, { ...heater.energyHistory([...new Set(years)]) });
    return true;
  }
  if (
    suffix === ProgramTopics.diagnostics.request &&
    request.command === ProgramCommand.DIAGNOSTICS_REQUEST
  ) {
    if (!req.responseTopic || !COUNTERS_REPLY.test(req.responseTopic)) {
      log(
        `${heater.mac}: counters asked with reply topic ${String(req.responseTopic)}: no JSON answer`,
      );
      return true;
    }
    reply(req.responseTopic, { ...heater.installerCounters() });
    return true;
  }
  return false;
}
