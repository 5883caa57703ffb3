/**
 * A loopback MQTT-over-WebSocket broker standing in for AWS IoT: aedes behind a node:http server
 * with a `ws` upgrade handler (AWS-IOT-MQTT.md §4). It records each upgrade's query string
 * (where the SigV4 signature travels), ignores the signature itself, and can refuse upgrades
 * with an HTTP status to imitate expired credentials.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { Aedes, AedesPublishPacket, Client, Subscription } from 'aedes' with {
  'resolution-mode': 'import',
};

export type { Aedes } from 'aedes' with { 'resolution-mode': 'import' };

export interface BrokerOptions {
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface UpgradeRecord {
  path: string;
  /** The raw query string, without "?". */
  rawQuery: string;
  query: Record<string, string>;
  /** HTTP status the upgrade was refused with, or null when it was accepted. */
  refused: number | null;
  at: number;
}

export interface BrokerPublish {
  topic: string;
  payload: Buffer;
  qos: number;
  clientId: string;
}

export type PublishObserver = (message: BrokerPublish) => void;
export type SubscribeObserver = (subscriptions: Subscription[], clientId: string) => void;

export interface TestBroker {
  /** ws://127.0.0.1:PORT/mqtt */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The current aedes instance (a new one after every stop()/start()). */
  readonly aedes: Aedes;
  /** Every upgrade attempt seen, oldest first. */
  readonly upgrades: UpgradeRecord[];
  /** Answer later upgrades with this HTTP status (e.g. 403) and close; null accepts again. */
  refuseUpgrades(status: number | null): void;
  /** Disconnects every MQTT client from the broker side (like AWS's 24 h limit). */
  dropClients(): void;
  /** MQTT clients currently connected. */
  connectionCount(): number;
  /** Client ids currently connected. */
  clientIds(): string[];
  /** Publishes from the broker itself (the "device" side). */
  publish(topic: string, payload: string | Buffer | object, qos?: 0 | 1): Promise<void>;
  /** Observes publishes made by clients; returns a function that stops observing. */
  onPublish(handler: PublishObserver): () => void;
  /** Observes SUBSCRIBE packets (one call per packet); returns a function that stops observing. */
  onSubscribe(handler: SubscribeObserver): () => void;
  /** Stops listening and drops every connection; start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

class LoopbackBroker implements TestBroker {
  readonly upgrades: UpgradeRecord[] = [];
  readonly host: string;
  private currentPort: number;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private instance: Aedes | null = null;
  private readonly sockets = new Set<Socket | Duplex>();
  private readonly clients = new Map<string, Client>();
  private refuseStatus: number | null = null;
  private readonly publishObservers = new Set<PublishObserver>();
  private readonly subscribeObservers = new Set<SubscribeObserver>();

  constructor(host: string, port: number) {
    this.host = host;
    this.currentPort = port;
  }

  get port(): number {
    return this.currentPort;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `ws://${host}:${this.currentPort}/mqtt`;
  }

  get aedes(): Aedes {
    if (!this.instance) throw new Error('broker is stopped');
    return this.instance;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { Aedes: AedesClass } = await import('aedes');
    const aedes = await AedesClass.createBroker();
    aedes.on('client', (client) => this.clients.set(client.id, client));
    aedes.on('clientDisconnect', (client) => {
      if (this.clients.get(client.id) === client) this.clients.delete(client.id);
    });
    aedes.on('publish', (packet: AedesPublishPacket, client: Client | null) => {
      if (!client) return; // our own publishes and $SYS
      const message: BrokerPublish = {
        topic: packet.topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        qos: packet.qos,
        clientId: client.id,
      };
      for (const observer of [...this.publishObservers]) observer(message);
    });
    aedes.on('subscribe', (subscriptions: Subscription[], client: Client) => {
      for (const observer of [...this.subscribeObservers]) observer(subscriptions, client.id);
    });
    // A broken client stream must not take the test process down.
    aedes.on('clientError', () => undefined);
    aedes.on('connectionError', () => undefined);

    const wss = new WebSocketServer({ noServer: true });
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain' });
      res.end('WebSocket upgrade required');
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(aedes, wss, req, socket, head),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.currentPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.currentPort = (server.address() as AddressInfo).port;
    this.instance = aedes;
    this.wss = wss;
    this.server = server;
  }

  private onUpgrade(
    aedes: Aedes,
    wss: WebSocketServer,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void {
    socket.on('error', () => undefined);
    const target = new URL(req.url ?? '/', 'http://loopback');
    const record: UpgradeRecord = {
      path: target.pathname,
      rawQuery: target.search.replace(/^\?/, ''),
      query: Object.fromEntries(target.searchParams),
      refused: null,
      at: Date.now(),
    };
    this.upgrades.push(record);
    const status = target.pathname !== '/mqtt' ? 404 : this.refuseStatus;
    if (status !== null) {
      record.refused = status;
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
          'Connection: close\r\nContent-Length: 0\r\n\r\n',
        () => socket.destroy(),
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => undefined);
      aedes.handle(stream, req);
    });
  }

  refuseUpgrades(status: number | null): void {
    this.refuseStatus = status;
  }

  dropClients(): void {
    for (const client of [...this.clients.values()]) client.close();
  }

  connectionCount(): number {
    return this.instance ? this.instance.connectedClients : 0;
  }

  clientIds(): string[] {
    return [...this.clients.values()].filter((c) => c.connected).map((c) => c.id);
  }

  publish(topic: string, payload: string | Buffer | object, qos: 0 | 1 = 0): Promise<void> {
    const aedes = this.aedes;
    const body =
      typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
    return new Promise<void>((resolve, reject) => {
      aedes.publish(
        { cmd: 'publish', topic, payload: body, qos, retain: false, dup: false },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  onPublish(handler: PublishObserver): () => void {
    this.publishObservers.add(handler);
    return () => this.publishObservers.delete(handler);
  }

  onSubscribe(handler: SubscribeObserver): () => void {
    this.subscribeObservers.add(handler);
    return () => this.subscribeObservers.delete(handler);
  }

  async stop(): Promise<void> {
    const { server, wss, instance } = this;
    this.server = null;
    this.wss = null;
    this.instance = null;
    this.clients.clear();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (wss) {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (instance) await new Promise<void>((resolve) => instance.close(() => resolve()));
  }

  async close(): Promise<void> {
    this.publishObservers.clear();
    this.subscribeObservers.clear();
    await this.stop();
  }
}

/** Starts a loopback broker; `url` is ready for NavienMqtt / mqtt.js when this resolves. */
export async function startBroker(opts: BrokerOptions = {}): Promise<TestBroker> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host))
    throw new Error(`The simulator broker only binds to loopback, not ${host}`);
  const broker = new LoopbackBroker(host, opts.port ?? 0);
  await broker.start();
  return broker;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
