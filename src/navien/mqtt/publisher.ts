/**
 * QoS 1 publishes in flight on the shared connection: each waits for its PUBACK up to a
 * timeout, and all of them fail at once when the connection drops (never replayed later).
 */
import type { MqttClient } from 'mqtt';
import { NavienError, errorText } from '../errors';

export class PublishTracker {
  private readonly pending = new Set<(err: NavienError) => void>();

  constructor(private readonly ackTimeoutMs: number) {}

  publish(client: MqttClient, topic: string, payload: object): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: NavienError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(fail);
        if (err) reject(err);
        else resolve();
      };
      const fail = (err: NavienError): void => finish(err);
      const timer = setTimeout(() => {
        finish(
          new NavienError('NAVIEN_TIMEOUT', 'The Navien cloud did not acknowledge the message'),
        );
      }, this.ackTimeoutMs);
      this.pending.add(fail);
      client.publish(topic, JSON.stringify(payload), { qos: 1 }, (err) => {
        finish(
          err
            ? new NavienError('NAVIEN_MQTT_UNAVAILABLE', `Publish failed: ${errorText(err)}`, {
                cause: err,
              })
            : undefined,
        );
      });
    });
  }

  /** Rejects every publish still waiting, with NAVIEN_MQTT_UNAVAILABLE and `message`. */
  failAll(message: string): void {
    for (const fail of [...this.pending]) fail(new NavienError('NAVIEN_MQTT_UNAVAILABLE', message));
  }
}
