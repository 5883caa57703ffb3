/**
 * The heater's modes (NAVIEN-PROTOCOL.md §3.3): `dhwOperationSetting` (also the `dhw-mode`
 * parameter) and the recirculation modes. The one home for these numbers and names: the
 * decoder, the control table and the simulator all read them from here.
 */

/** `dhwOperationSetting` values. 5 and 6 are entered by their own commands, not by a mode name. */
export const DhwMode = {
  HEAT_PUMP: 1,
  ELECTRIC: 2,
  ENERGY_SAVER: 3,
  HIGH_DEMAND: 4,
  VACATION: 5,
  POWER_OFF: 6,
} as const;

/** `dhwOperationSetting` names, in kebab-case. */
export const DHW_OPERATION_SETTING: Readonly<Record<number, string>> = {
  [DhwMode.HEAT_PUMP]: 'heat-pump',
  [DhwMode.ELECTRIC]: 'electric',
  [DhwMode.ENERGY_SAVER]: 'energy-saver',
  [DhwMode.HIGH_DEMAND]: 'high-demand',
  [DhwMode.VACATION]: 'vacation',
  [DhwMode.POWER_OFF]: 'power-off',
};

/** The modes a user selects by name (`dhw-mode` 1–4) and the feature flag each one needs (§4.1). */
export const SELECTABLE_MODES: Readonly<Record<string, { value: number; flag: string }>> = {
  'heat-pump': { value: DhwMode.HEAT_PUMP, flag: 'heatpumpUse' },
  electric: { value: DhwMode.ELECTRIC, flag: 'electricUse' },
  'energy-saver': { value: DhwMode.ENERGY_SAVER, flag: 'energySaverUse' },
  'high-demand': { value: DhwMode.HIGH_DEMAND, flag: 'highDemandUse' },
};

/** `recircOperationMode` names (also the `recirc-mode` parameter 1–4). */
export const RECIRC_OPERATION_MODE: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'always',
  2: 'button',
  3: 'schedule',
  4: 'temperature',
};

/** The recirculation modes a user selects by name (`recirc-mode` parameter). */
export const SELECTABLE_RECIRC_MODES: Readonly<Record<string, number>> = {
  always: 1,
  button: 2,
  schedule: 3,
  temperature: 4,
};

/** Vacation length and anti-legionella period, in days (§2.7). */
export const DAYS_MIN = 1;
export const DAYS_MAX = 30;
