/**
 * The events the navien-events node emits (issue 13). The names are a public contract: flows
 * route on them (msg.topic `navien/<mac>/event/<name>`, msg.payload.event).
 */
export const EVENT_NAMES = [
  'heating-started',
  'heating-stopped',
  'mode-changed',
  'setpoint-changed',
  'power-changed',
  'error-raised',
  'error-cleared',
  'draw-started',
  'draw-ended',
  'charge-low',
  'charge-recovered',
  'offline',
  'online',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as readonly string[]).includes(value);
}

/**
 * The events a node setting selects: an array (or comma-separated string) of names. Missing or
 * empty selects all; unknown names are ignored, so an older flow keeps working.
 */
export function parseEventSelection(value: unknown): ReadonlySet<EventName> {
  const items = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',').map((s) => s.trim())
      : [];
  const chosen = new Set(items.filter(isEventName));
  return chosen.size > 0 ? chosen : new Set(EVENT_NAMES);
}
