/**
 * navien-events (issue 13): one message per thing that just happened on a heater. Thin glue:
 * the account's shared status stream feeds one EventDetector per heater (src/navien/events), a
 * StaleWatch per heater (the one navien-status uses) turns silence into `offline`, and this file
 * sends the events. It adds no connection and no status request of its own to the account's.
 */
import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import {
  EventDetector,
  NavienError,
  parseEventSelection,
  type ConnectionStateChange,
  type DetectedEvent,
  type Device,
  type NavienAccount,
  type StatusSubscription,
  type StatusUpdate,
} from './navien';
import { attachAccount, requireAccount } from './node-red/account-ref';
import {
  DEFAULT_EVENTS_INTERVAL_S,
  DEFAULT_STALE_AFTER_S,
  clockTime,
  parseLowCharge,
  parseSeconds,
  parseUnits,
} from './node-red/events-options';
import { commonText } from './node-red/i18n';
import { raiseError, reportError } from './node-red/report-error';
import { StaleWatch } from './node-red/stale-watch';
import { shortText } from './node-red/status-badge';
import type { DeviceNodeDef, NavienInputMessage } from './node-red/types';

interface EventsNodeDef extends DeviceNodeDef {
  events?: unknown;
  lowCharge?: string | number;
  staleAfter?: string | number;
  interval?: string | number;
  initial?: boolean;
  units?: string;
}

interface Watched {
  device: Device;
  detector: EventDetector;
  staleness: StaleWatch;
  subscription: StatusSubscription;
}

const RETRY_START_MS = 60_000;
const MALFORMED_WARN_EVERY_MS = 60_000;

export = function (RED: NodeAPI): void {
  function NavienEventsNode(this: Node, config: EventsNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { accountNode, release } = attachAccount(RED, node, config.account);
    const units = parseUnits(config.units);
    const intervalS = parseSeconds(config.interval, DEFAULT_EVENTS_INTERVAL_S);
    const staleAfterMs = parseSeconds(config.staleAfter, DEFAULT_STALE_AFTER_S) * 1000;
    const detectorOptions = {
      lowCharge: parseLowCharge(config.lowCharge),
      initial: config.initial === true,
      events: parseEventSelection(config.events),
    };
    const watched = new Map<string, Watched>();
    let account: NavienAccount | undefined;
    let stopWatchingConnection: (() => void) | undefined;
    let connected = false;
    let cloudTimer: NodeJS.Timeout | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let lastMalformedWarning = 0;
    let lastEvent: { name: string; at: number } | undefined;
    let closed = false;

    const text = (key: string, subs?: Record<string, string | number>): string =>
      RED._(`node-red-contrib-navien/navien-events:navien-events.status.${key}`, subs);

    let lastBadge = '';
    /** Any other badge (connecting, errors); the next event badge is then shown again. */
    const show = (status: NodeStatus): void => {
      lastBadge = '';
      node.status(status);
    };
    /** Grey "offline" while any heater is stale; else the last event and when. */
    const showBadge = (): void => {
      let badge: NodeStatus | undefined;
      if ([...watched.values()].some((w) => w.detector.isOffline)) {
        badge = { fill: 'grey', shape: 'ring', text: text('offline') };
      } else if (lastEvent) {
        const label = shortText(`${lastEvent.name} ${clockTime(lastEvent.at)}`);
        badge = { fill: 'green', shape: 'dot', text: label };
      } else if (connected) {
        badge = { fill: 'green', shape: 'dot', text: text('watching') };
      }
      // Badges go to every open editor: send one only when it changes.
      const key = JSON.stringify(badge);
      if (!badge || key === lastBadge) return;
      lastBadge = key;
      node.status(badge);
    };

    /** `cause`: the status update the events came from (none for `offline`). */
    const send = (events: DetectedEvent[], cause?: StatusUpdate): void => {
      for (const { payload } of events) {
        const msg: NodeMessage & { status?: unknown } = {
          topic: `navien/${payload.macAddress}/event/${payload.event}`,
          payload,
        };
        // The stream's status is frozen and shared by every node on the heater: each message
        // gets its own copy, as navien-status's payload does.
        if (cause) msg.status = cause.copy();
        lastEvent = { name: payload.event, at: Date.parse(payload.at) };
        node.send(msg);
      }
      showBadge();
    };

    const onConnectionState = ({ state, error }: ConnectionStateChange): void => {
      const wasConnected = connected;
      connected = state === 'connected';
      if (connected && !wasConnected) {
        // Changes while we were away are unknown: the next status is a new baseline.
        for (const w of watched.values()) {
          w.detector.resetBaseline();
          w.staleness.resume();
        }
        showBadge();
        return;
      }
      if (connected) return;
      // Our own silence says nothing about the heaters.
      for (const w of watched.values()) w.staleness.pause();
      if (state === 'connecting' || state === 'reconnecting') {
        show({ fill: 'yellow', shape: 'ring', text: commonText(RED, `status.${state}`) });
      } else if (state === 'auth-failed') {
        lastBadge = '';
        raiseError(
          RED,
          node,
          error ??
            new NavienError(
              'NAVIEN_AUTH_FAILED',
              'The Navien MQTT service refused the credentials',
            ),
          'navien/events',
        );
      }
    };

    const watch = (device: Device): void => {
      if (!account || watched.has(device.macAddress)) return;
      const detector = new EventDetector(device, detectorOptions);
      // Counts only while our own connection is up (resumed on connect).
      const staleness = new StaleWatch(staleAfterMs, () => send(detector.offline('no-status')), {
        paused: true,
      });
      const subscription = account.subscribeStatus(device, {
        units,
        intervalS,
        onStatus: (update) => {
          staleness.heard();
          send(detector.status(update.status, update.receivedAt), update);
        },
        onMalformed: (reason) => {
          const now = Date.now();
          if (now - lastMalformedWarning < MALFORMED_WARN_EVERY_MS) return;
          lastMalformedWarning = now;
          node.warn(commonText(RED, 'warn.malformed', { reason }));
        },
      });
      watched.set(device.macAddress, { device, detector, staleness, subscription });
      if (connected) staleness.resume();
      if (!device.connected) send(detector.offline('cloud'));
    };

    /** The cloud's device list (cached by the account) may say a heater is disconnected. */
    const checkCloud = async (): Promise<void> => {
      if (!account || watched.size === 0) return;
      const { value: devices } = await account.api.listDevices();
      for (const device of devices) {
        const w = watched.get(device.macAddress);
        if (w && !device.connected) send(w.detector.offline('cloud'));
      }
    };

    const start = async (): Promise<void> => {
      retryTimer = undefined;
      try {
        account = requireAccount(accountNode);
        const devices = config.device?.trim()
          ? [await account.device(config.device)]
          : (await account.api.listDevices()).value;
        if (closed) return;
        if (devices.length === 0) {
          show({ fill: 'grey', shape: 'ring', text: commonText(RED, 'status.noDevices') });
          return;
        }
        stopWatchingConnection ??= account.onConnectionState(onConnectionState);
        for (const device of devices) watch(device);
        onConnectionState({ state: account.connectionState });
        cloudTimer ??= setInterval(() => {
          checkCloud().catch((err: unknown) => node.debug(`device list: ${String(err)}`));
        }, staleAfterMs);
      } catch (err) {
        if (closed) return;
        lastBadge = '';
        raiseError(RED, node, err, 'navien/events');
        retryTimer = setTimeout(() => void start(), RETRY_START_MS);
      }
    };

    node.on('input', (msg: NavienInputMessage, _send, done) => {
      const run = async (): Promise<void> => {
        if (!account || watched.size === 0) {
          throw new NavienError('NAVIEN_MQTT_UNAVAILABLE', 'The event stream has not started yet');
        }
        if (!connected) {
          throw new NavienError(
            'NAVIEN_MQTT_UNAVAILABLE',
            'Not connected to the Navien MQTT service yet',
          );
        }
        await Promise.all([...watched.values()].map((w) => w.subscription.requestNow()));
      };
      run().then(
        () => done(),
        (err: unknown) => {
          lastBadge = '';
          reportError(RED, node, err, msg, done);
        },
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      if (cloudTimer) clearInterval(cloudTimer);
      if (retryTimer) clearTimeout(retryTimer);
      for (const w of watched.values()) {
        w.staleness.stop();
        w.subscription.close();
      }
      watched.clear();
      stopWatchingConnection?.();
      release();
      done();
    });

    if (!accountNode) {
      node.status({ fill: 'red', shape: 'ring', text: commonText(RED, 'status.noAccount') });
      return;
    }
    node.status({ fill: 'yellow', shape: 'ring', text: commonText(RED, 'status.connecting') });
    void start();
  }

  RED.nodes.registerType('navien-events', NavienEventsNode);
};
