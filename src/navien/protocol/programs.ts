/**
 * Command codes and topic suffixes of the heater's own programs and histories
 * (NAVIEN-PROTOCOL.md §9.0): weekly program, TOU write, monthly energy, installer counters.
 * Request topics are `cmd/<type>/navilink-<mac>/<request>`; replies come on the client-keyed
 * `cmd/<type>/<clientId>/res/<reply>` except the counters, which need the five-segment form.
 */

/** Codes as the vendor app sends them. 16777226 is one code for two requests, told apart by topic. */
export const ProgramCommand = {
  RESERVATION_READ: 16777222,
  RESERVATION_WRITE: 16777226,
  ENERGY_USAGE_MONTHLY_QUERY: 16777226,
  DIAGNOSTICS_REQUEST: 16777228,
  TOU_WRITE: 33554439,
} as const;

export interface ProgramTopicPair {
  /** Suffix after `cmd/<type>/navilink-<mac>/`. */
  request: string;
  /** Suffix after `.../res/`. */
  reply: string;
}

export const ProgramTopics = {
  /** The read is answered twice: JSON on `res/rsv/rd`, hex on `res/rsv` (§9.1). */
  reservationRead: { request: 'st/rsv/rd', reply: 'rsv/rd' },
  reservationReadHex: { request: 'st/rsv/rd', reply: 'rsv' },
  /** The write's echo comes on the same reply topic as the JSON read. */
  reservationWrite: { request: 'ctrl/rsv/rd', reply: 'rsv/rd' },
  touWrite: { request: 'ctrl/tou/rd', reply: 'tou/rd' },
  energyMonthly: {
    request: 'st/energy-usage-monthly-query/rd',
    reply: 'energy-usage-monthly-query/rd',
  },
  /** Only answered on the five-segment reply topic, see {@link diagnosticsReplyTopic}. */
  diagnostics: { request: 'st/td/rd', reply: 'td/rd' },
} as const satisfies Record<string, ProgramTopicPair>;

/**
 * `cmd/<type>/<homeSeq>/<userSeq>/<clientId>/res/td/rd`: the cloud republishes the counters as
 * JSON only when the reply topic has this shape; it checks neither number, and the reference
 * library sends `userSeq` 0 (§9.4).
 */
export function diagnosticsReplyTopic(
  deviceType: number,
  homeSeq: number,
  clientId: string,
  userSeq = 0,
): string {
  return `cmd/${deviceType}/${homeSeq}/${userSeq}/${clientId}/res/${ProgramTopics.diagnostics.reply}`;
}
