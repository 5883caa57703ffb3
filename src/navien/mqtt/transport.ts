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

/** AWS IoT accepts at most 8 topics per SUBSCRIBE. */
const SUBSCRIBE_BATCH = 8;

export interface ClientSetup {
  clientId: string;
  keepaliveSec: number;
  /** Upgrade + CONNACK timeout. */
  connectTimeoutMs: number;
  /** The presigned URL for the next upgrade; called synchronously by mqtt.js, must not throw. */
  signedUrl: () => string;
  /** The HTTP status of a refused upgrade. */
  onRefused: (httpStatus: number) => void;
}

/**
 * mqtt.js traces every packet through `debug`; even switched off, each call costs (≈ 6 µs per
 * status message in the benchmark's profile, bench/README.md). It stays on when asked for with
 * DEBUG=mqttjs*, so protocol tracing still works.
 */
function packetTrace(): Pick<IClientOptions, 'log'> {
  return /mqttjs/.test(process.env.DEBUG ?? '') ? {} : { log: () => undefined };
}

/** mqtt.js options for AWS IoT over a signed WebSocket, with reconnects left to us. */
export function clientOptions(setup: ClientSetup): IClientOptions {
  return {
    clientId: setup.clientId,
    protocolVersion: 4,
    clean: true,
    keepalive: setup.keepaliveSec,
    connectTimeout: setup.connectTimeoutMs,
    // We drive reconnects (backoff, credential renewal) and resubscription ourselves.
    reconnectPeriod: 0,
    resubscribe: false,
    manualConnect: true,
    queueQoSZero: false,
    reconnectOnConnackError: true,
    subscribeBatchSize: SUBSCRIBE_BATCH,
    transformWsUrl: () => setup.signedUrl(),
    createWebsocket: (url: string, protocols: string[], o: IClientOptions) =>
      createSocket(url, protocols, o, setup.onRefused),
    ...packetTrace(),
  };
}

/** A WebSocket for mqtt.js's createWebsocket hook that tells `onRefused` the upgrade status. */
function createSocket(
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
