import { NavienError, quoteInput } from './errors';

/**
 * Navien identifies a device by the MAC address the REST API returns: 12 lowercase hex
 * characters without separators. Users may type it with colons or dashes, or in capitals.
 */
export function normalizeMac(input: string): string {
  const compact = input
    .trim()
    .toLowerCase()
    .replace(/[:\-\s.]/g, '');
  if (!/^[0-9a-f]{12}$/.test(compact)) {
    throw new NavienError(
      'NAVIEN_INVALID_INPUT',
      `${quoteInput(input)} is not a device MAC address (expected 12 hex digits, e.g. a4c1382f09be)`,
    );
  }
  return compact;
}
