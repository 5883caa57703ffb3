/**
 * Bounded intake: mqtt.js hands us every packet of a socket read in one event-loop turn, and a
 * read can hold hundreds of status answers (libuv reads up to 32 × 64 KB per wake-up). Each one
 * is decoded and sent at once, but Node-RED delivers sends only in the turn's check phase, so a
 * burst used to wait there as hundreds of decoded statuses: old enough to be promoted by the GC,
 * which cost CPU and heap (bench/README.md). mqtt.js's documented back-pressure hook,
 * `handleMessage`, lets us take a few messages per turn and then yield: the rest stay as raw
 * bytes in the socket (or the kernel) until Node-RED has delivered what we sent.
 */
import type { MqttClient } from 'mqtt';

/** Messages taken per event-loop turn before yielding to Node-RED's delivery. */
export const MESSAGES_PER_TURN = 16;

/** Makes `client` yield after every `perTurn` messages; order and content are unchanged. */
export function paceIntake(client: MqttClient, perTurn = MESSAGES_PER_TURN): void {
  let taken = 0;
  client.handleMessage = (_packet, callback): void => {
    if (++taken < perTurn) {
      callback();
      return;
    }
    taken = 0;
    setImmediate(callback);
  };
}
