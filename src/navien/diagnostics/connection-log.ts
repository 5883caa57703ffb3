/**
 * The history of the account's MQTT connection that a bug report needs (since when it is up,
 * how often it dropped, why it last closed), read from the connection's own state events so
 * the connection itself needs no bookkeeping for it.
 */
import type { NavienMqttStateChange } from '../mqtt/connection';
import { redactText } from './redact';

export interface ConnectionHistory {
  /** Epoch ms of the current connection's start; undefined while not connected. */
  connectedSince: number | undefined;
  /** Connections lost after having been up (drops, kicks, expired credentials). */
  reconnects: number;
  /** Why the connection last left 'connected' (or last failed), redacted. */
  lastCloseReason: string | undefined;
}

interface StateSource {
  on(event: 'state', listener: (change: NavienMqttStateChange) => void): unknown;
}

export class ConnectionLog {
  private since: number | undefined;
  private drops = 0;
  private reason: string | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Follows `mqtt`'s state changes for as long as it lives. */
  watch(mqtt: StateSource): void {
    mqtt.on('state', (change) => this.onState(change));
  }

  get history(): ConnectionHistory {
    return { connectedSince: this.since, reconnects: this.drops, lastCloseReason: this.reason };
  }

  private onState(change: NavienMqttStateChange): void {
    if (change.state === 'connected') {
      this.since = this.now();
      return;
    }
    if (change.previous === 'connected') {
      this.since = undefined;
      if (change.state === 'reconnecting') this.drops++;
    }
    if (change.error) this.reason = redactText(change.error.message);
    else if (change.previous === 'connected') this.reason = `connection ${change.state}`;
  }
}
