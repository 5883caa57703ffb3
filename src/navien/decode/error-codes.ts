/** Error codes shown by the unit as E<nnn> (NAVIEN-PROTOCOL.md §3.4). */

const ERRORS: Readonly<Record<number, string>> = {
  96: 'upper element',
  97: 'lower element',
  326: 'dry fire',
  407: 'DHW sensor',
  445: 'mixing valve',
  480: 'tank upper sensor',
  481: 'tank lower sensor',
  515: 'relay',
  517: 'DIP switch',
  593: 'panel key',
  594: 'EEPROM',
  595: 'power meter',
  596: 'Wi-Fi',
  598: 'RTC',
  615: 'feedback',
  781: 'CTA-2045 communication',
  798: 'shut-off valve',
  799: 'water leak',
  901: 'ECO',
  907: 'compressor power line',
  908: 'compressor',
  909: 'evaporator fan',
  910: 'discharge sensor',
  911: 'discharge temperature high',
  912: 'suction sensor',
  913: 'suction temperature low',
  914: 'evaporator sensor',
  915: 'discharge-suction difference',
  916: 'evaporator temperature',
  920: 'ambient sensor',
  940: 'refrigerant blockage',
  990: 'condensate overflow',
};

const SUB_ERRORS: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  515: { 25: 'upper element', 26: 'lower element', 27: 'compressor' },
  615: {
    4: 'ADC reference',
    27: 'ECO',
    28: 'compressor',
    29: 'upper element',
    30: 'lower element',
  },
};

const SENSOR_ERRORS = new Set([407, 480, 481, 910, 912, 914, 920]);
const SENSOR_SUB: Readonly<Record<number, string>> = {
  1: 'below lower limit',
  2: 'above upper limit',
};

/** "E799 water leak"; unknown codes give "E123"; 0 (no error) gives null. */
export function errorText(code: unknown, subCode?: unknown): string | null {
  if (typeof code !== 'number' || code === 0) return null;
  const name = ERRORS[code];
  let text = name ? `E${code} ${name}` : `E${code}`;
  if (typeof subCode === 'number' && subCode !== 0) {
    const sub =
      SUB_ERRORS[code]?.[subCode] ?? (SENSOR_ERRORS.has(code) ? SENSOR_SUB[subCode] : undefined);
    if (sub) text += ` (${sub})`;
  }
  return text;
}
