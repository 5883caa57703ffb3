/** Small helpers shared by the MQTT tests: polling waits and a mutable credential holder. */
import type { EventEmitter } from 'node:events';
import type { AwsCredentials } from '../../src/navien/types';

export { rejection, waitFor } from './wait';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the arguments of the next `event`; fails after `timeoutMs`. */
export function nextEvent<T extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for '${event}'`));
    }, timeoutMs);
    const listener = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, listener);
  });
}

export function credentials(id: string, expiresAt?: number): AwsCredentials {
  const c: AwsCredentials = {
    accessKeyId: id,
    secretKey: `secret-of-${id}`,
    sessionToken: `token/of+${id}=`,
  };
  if (expiresAt !== undefined) c.expiresAt = expiresAt;
  return c;
}

/** TCP sockets the process holds (for leak checks). */
export function openTcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}
