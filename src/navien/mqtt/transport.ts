/**
 * The signed WebSocket under mqtt.js: which credentials may still sign an upgrade, a socket that
 * reports a refused upgrade's HTTP status, and a close that never hangs.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import WebSocket, { type ClientOptions } from 'ws';
import type { AwsCredentials } from '../types';

/** Credentials this close to expiry are not used for a new upgrade. */
const EXPIRY_SKEW_MS = 10_000;
/** A polite DISCONNECT gets this long before the socket is destroyed. */
const GRACEFUL_CLOSE_MS = 1_500;

/** The credentials if they are complete and not about to expire. */
export function usableCredentials(creds: AwsCredentials | undefined): AwsCredentials | undefined {
  if (!creds || !creds.accessKeyId || !creds.secretKey) return undefined;
  if (creds.expiresAt !== undefined && creds.expiresAt <= Date.now() + EXPIRY_SKEW_MS) {
    return undefined;
  }
  return creds;
}

/** A WebSocket for mqtt.js's createWebsocket hook that tells `onRefused` the upgrade status. */
export function createSocket(
  url: string,
  protocols: string[],
  o: IClientOptions,
  onRefused: (httpStatus: number) => void,
): WebSocket {
  const ws = new WebSocket(url, protocols, o.wsOptions as ClientOptions | undefined);
  // ws reports a refused upgrade only here; mqtt.js swallows it (no 'error' event).
  ws.on('error', (err: Error) => {
    const m = /Unexpected server response: (\d{3})/.exec(err.message);
    if (m) onRefused(Number(m[1]));
  });
  return ws;
}

/** Ends the client: DISCONNECT when connected, and the socket destroyed after a short grace. */
export function endBounded(client: MqttClient): Promise<void> {
  // Never connected (e.g. still waiting for credentials): there is no socket to close.
  if (!(client.stream as unknown)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = (): void => {
      client.stream.destroy();
      resolve();
    };
    const timer = setTimeout(force, GRACEFUL_CLOSE_MS);
    try {
      // A connected client says DISCONNECT; anything else is just torn down.
      client.end(!client.connected, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      force();
    }
  });
}
