import type { NodeAPI } from 'node-red';

/** Texts shared by every node live in the account node's catalog (locales/en-US/navien-account.json). */
const COMMON = 'node-red-contrib-navien/navien-account:common.';

export function commonText(
  RED: NodeAPI,
  key: string,
  substitutions?: Record<string, string | number>,
): string {
  return RED._(COMMON + key, substitutions);
}
