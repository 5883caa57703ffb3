/**
 * The MQTT command vocabulary (NAVIEN-PROTOCOL.md §2.7, §9.0): command codes and the `mode`
 * strings of the `ctrl` commands. The one home for these numbers: the client and the simulator
 * both read them from here.
 */

/** Command codes (§2.7). Queries are 0x01xxxxxx, controls 0x02xxxxxx. */
export const Command = {
  DEVICE_INFO_REQUEST: 16777217,
  STATUS_REQUEST: 16777219,
  RESERVATION_READ: 16777222,
  ENERGY_USAGE_QUERY: 16777225,
  RESERVATION_MANAGEMENT: 16777226,
  POWER_OFF: 33554433,
  POWER_ON: 33554434,
  DHW_MODE: 33554437,
  /** Declared only: the vendor app never sends it (§9.7). */
  RESERVATION_WEEKLY: 33554438,
  TOU_RESERVATION: 33554439,
  RECIR_RESERVATION: 33554440,
  RESERVATION_WATER_PROGRAM: 33554441,
  OTA_COMMIT: 33554442,
  /** Declared only: the vendor app never sends it (§9.7). */
  OTA_CHECK: 33554443,
  RECIR_HOT_BTN: 33554444,
  RECIR_MODE: 33554445,
  /** Declared only: the vendor app never sends it (§9.7). */
  WIFI_RECONNECT: 33554446,
  /** Declared only: the vendor app never sends it (§9.7). */
  WIFI_RESET: 33554447,
  /** Declared only: the vendor app never sends it (§9.7); freeze protection is read-only. */
  FREZ_TEMP: 33554451,
  /** Declared only: the vendor app never sends it (§9.7). */
  SMART_DIAGNOSTIC: 33554455,
  DHW_TEMPERATURE: 33554464,
  /** Vacation length without entering vacation (§9.6). */
  GOOUT_DAY: 33554466,
  RESERVATION_INTELLIGENT_OFF: 33554467,
  RESERVATION_INTELLIGENT_ON: 33554468,
  DR_OFF: 33554469,
  DR_ON: 33554470,
  ANTI_LEGIONELLA_OFF: 33554471,
  ANTI_LEGIONELLA_ON: 33554472,
  AIR_FILTER_RESET: 33554473,
  /** Hours between filter alarms, sent as hours / 500 (§9.6). */
  AIR_FILTER_LIFE: 33554474,
  TOU_OFF: 33554475,
  TOU_ON: 33554476,
} as const;

/**
 * The `ctrl` mode commands the vendor app sends (§2.7, §9.6), by `mode` string. The removed
 * commands of §9.7 (e.g. `frez-temp`) are deliberately absent: nothing may send them.
 */
export const CONTROL_MODES = {
  'power-off': Command.POWER_OFF,
  'power-on': Command.POWER_ON,
  'dhw-mode': Command.DHW_MODE,
  'recirc-hotbtn': Command.RECIR_HOT_BTN,
  'recirc-mode': Command.RECIR_MODE,
  'dhw-temperature': Command.DHW_TEMPERATURE,
  'goout-day': Command.GOOUT_DAY,
  'intelligent-off': Command.RESERVATION_INTELLIGENT_OFF,
  'intelligent-on': Command.RESERVATION_INTELLIGENT_ON,
  'dr-off': Command.DR_OFF,
  'dr-on': Command.DR_ON,
  'anti-leg-off': Command.ANTI_LEGIONELLA_OFF,
  'anti-leg-on': Command.ANTI_LEGIONELLA_ON,
  'air-filter-reset': Command.AIR_FILTER_RESET,
  'air-filter-life': Command.AIR_FILTER_LIFE,
  'tou-off': Command.TOU_OFF,
  'tou-on': Command.TOU_ON,
} as const satisfies Record<string, number>;

export type ControlMode = keyof typeof CONTROL_MODES;

export function isControlMode(mode: string): mode is ControlMode {
  return Object.prototype.hasOwnProperty.call(CONTROL_MODES, mode);
}
