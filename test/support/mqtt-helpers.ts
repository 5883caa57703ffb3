/** Small helpers shared by the MQTT tests: polling waits and a mutable credential holder. */
import type { EventEmitter } from 'node:events';
import type { NavienMqtt } from '../../src/navien/mqtt/connection';
import type { AwsCredentials } from '../../src/navien/types';

export { rejection, waitFor } from './wait';

/**
 * Resolves once the broker has handled every packet `m` sent before, and `m` every packet the
 * broker sent it before: one QoS 1 PUBLISH and its PUBACK on the same socket, both in order.
 * The test's "nothing arrived" check after it needs no sleep.
 */
export async function roundTrip(m: NavienMqtt): Promise<void> {
  await m.publish('test/round-trip', {});
}

/**
 * Like roundTrip(), after the (un)subscribes of this tick went out: the subscription registry
 * sends them from one setImmediate, which runs before the one awaited here.
 */
export async function afterFlush(m: NavienMqtt): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await roundTrip(m);
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
