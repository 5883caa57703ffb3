export { EventDetector, CHARGE_HYSTERESIS } from './detector';
export type { DetectedEvent, DetectorOptions, EventPayload, OfflineReason } from './detector';
export { EVENT_NAMES, isEventName, parseEventSelection, type EventName } from './names';
