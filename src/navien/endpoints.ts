import { NavienError, excerpt, quoteInput } from './errors';

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * Checks a user-supplied API or MQTT URL. Encrypted schemes may point anywhere; the plain
 * ones are for a simulator on this machine only, so a password never crosses a network in clear.
 */
export function checkEndpoint(url: string, kind: 'api' | 'mqtt'): string {
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new NavienError(
      'NAVIEN_NOT_CONFIGURED',
      `The ${kind === 'api' ? 'API' : 'MQTT'} URL ${quoteInput(trimmed, 80)} is not a valid URL`,
    );
  }
  const secure = kind === 'api' ? 'https:' : 'wss:';
  const plain = kind === 'api' ? 'http:' : 'ws:';
  if (parsed.protocol === secure) return trimmed;
  if (parsed.protocol === plain) {
    if (LOOPBACK_HOSTS.test(parsed.hostname)) return trimmed;
    throw new NavienError(
      'NAVIEN_NOT_CONFIGURED',
      `${plain}// is only allowed for a simulator on this machine (127.0.0.1 or localhost); use ${secure}// for ${excerpt(parsed.hostname, 80)}`,
    );
  }
  throw new NavienError(
    'NAVIEN_NOT_CONFIGURED',
    `The ${kind === 'api' ? 'API' : 'MQTT'} URL must start with ${secure}// (or ${plain}// for a local simulator)`,
  );
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.test(hostname);
}
