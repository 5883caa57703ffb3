/**
 * The subscription registry of the shared MQTT connection: which topics have handlers, batching
 * the SUBSCRIBE/UNSUBSCRIBE packets of one tick, restoring every topic after a reconnect (clean
 * session), waiting for SUBACKs, and handing each message to every matching handler.
 */
import type { MqttClient } from 'mqtt';
import { describeError } from '../errors';
import type { Logger } from '../types';
import { topicMatches } from './topics';

export type MessageHandler = (topic: string, payload: Buffer) => void;

interface Registration {
  handler: MessageHandler;
}

export class SubscriptionRegistry {
  /**
   * Handlers per topic filter. Each list is replaced, never changed, on add and remove, so a
   * dispatch can walk it as it was when the message arrived without copying it per message.
   */
  private readonly subs = new Map<string, readonly Registration[]>();
  private readonly toSubscribe = new Set<string>();
  private readonly toUnsubscribe = new Set<string>();
  private flushScheduled = false;
  /** Callers of whenSubscribed() waiting for a SUBACK, by topic. */
  private readonly ackWaiters = new Map<string, (() => void)[]>();

  /** `client` gives the current mqtt.js client (null while there is none). */
  constructor(
    private readonly client: () => MqttClient | null,
    private readonly log: Logger,
  ) {}

  /** Adds a handler; the returned function removes it (idempotent). */
  add(topic: string, handler: MessageHandler): () => void {
    const reg: Registration = { handler };
    const regs = this.subs.get(topic);
    if (!regs) {
      this.subs.set(topic, [reg]);
      this.toUnsubscribe.delete(topic);
      this.toSubscribe.add(topic);
      this.scheduleFlush();
    } else {
      this.subs.set(topic, [...regs, reg]);
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const current = this.subs.get(topic);
      if (!current) return;
      const rest = current.filter((r) => r !== reg);
      if (rest.length > 0) {
        this.subs.set(topic, rest);
        return;
      }
      this.subs.delete(topic);
      this.toSubscribe.delete(topic);
      this.toUnsubscribe.add(topic);
      this.scheduleFlush();
    };
  }

  whenSubscribed(topic: string): Promise<void> {
    const client = this.client();
    if (!client || !client.connected || !this.subs.has(topic)) return Promise.resolve();
    if (!this.ackWaiters.has(topic) && !this.toSubscribe.has(topic)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const list = this.ackWaiters.get(topic) ?? [];
      list.push(resolve);
      this.ackWaiters.set(topic, list);
    });
  }

  /** Topics with at least one handler. */
  topics(): string[] {
    return [...this.subs.keys()];
  }

  /** Forgets packets not yet sent (the connection is gone or new). */
  dropQueued(): void {
    this.toSubscribe.clear();
    this.toUnsubscribe.clear();
  }

  /**
   * After a CONNACK: the broker forgot everything (clean session), so subscribe every topic
   * again (8 per SUBSCRIBE, by mqtt.js) and call `ready` once that is acknowledged.
   */
  restore(client: MqttClient, ready: () => void): void {
    this.dropQueued();
    const topics = this.topics();
    if (topics.length === 0) {
      ready();
      return;
    }
    client.subscribe(topics, { qos: 1 }, (err, granted) => {
      if (err) this.log.warn(`navien mqtt: resubscribe failed: ${describeError(err)}`);
      this.warnRefused(granted);
      ready();
    });
  }

  /** Resolves the whenSubscribed() waiters of `topics` (all when omitted). */
  releaseAckWaiters(topics?: string[]): void {
    for (const t of topics ?? [...this.ackWaiters.keys()]) {
      const list = this.ackWaiters.get(t);
      this.ackWaiters.delete(t);
      for (const resolve of list ?? []) resolve();
    }
  }

  /** Hands a message to every handler whose filter matches. */
  dispatch(topic: string, payload: Buffer): void {
    for (const [filter, regs] of this.subs) {
      if (!topicMatches(filter, topic)) continue;
      for (const reg of regs) {
        try {
          reg.handler(topic, payload);
        } catch (err) {
          // One broken handler must not starve the others.
          this.log.warn(`navien mqtt: message handler failed: ${describeError(err)}`);
        }
      }
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Collect the subscribe/unsubscribe calls of one tick into as few packets as possible.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const client = this.client();
    const subscribe = [...this.toSubscribe].filter((t) => this.subs.has(t));
    const unsubscribe = [...this.toUnsubscribe].filter((t) => !this.subs.has(t));
    this.dropQueued();
    // While disconnected there is nothing to do: the next CONNACK restores the current set.
    if (!client || !client.connected) {
      this.releaseAckWaiters();
      return;
    }
    if (subscribe.length > 0) {
      for (const t of subscribe) if (!this.ackWaiters.has(t)) this.ackWaiters.set(t, []);
      client.subscribe(subscribe, { qos: 1 }, (err, granted) => {
        if (err) this.log.warn(`navien mqtt: subscribe failed: ${describeError(err)}`);
        this.warnRefused(granted);
        this.releaseAckWaiters(subscribe);
      });
    }
    if (unsubscribe.length > 0) {
      client.unsubscribe(unsubscribe, (err) => {
        if (err) this.log.debug(`navien mqtt: unsubscribe failed: ${describeError(err)}`);
      });
    }
  }

  private warnRefused(granted: { topic: string; qos: number }[] | undefined): void {
    for (const g of granted ?? []) {
      if (g.qos === 128) this.log.warn(`navien mqtt: the broker refused subscription ${g.topic}`);
    }
  }
}
