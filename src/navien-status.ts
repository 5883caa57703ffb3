import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import {
  NavienError,
  sameStatus,
  summarizeStatus,
  type ConnectionStateChange,
  type DecodedStatus,
  type Device,
  type NavienAccount,
  type StatusSubscription,
  type StatusUpdate,
  type UnitChoice,
} from './navien';
import { attachAccount, requireAccount } from './node-red/account-ref';
import { pickDeviceMac } from './node-red/device-target';
import { commonText } from './node-red/i18n';
import { raiseError, reportError } from './node-red/report-error';
import { offlineBadgeText, offlineNotice } from './node-red/offline-notice';
import { okBadge, shortText } from './node-red/status-badge';
import { parseInterval } from './node-red/status-options';
import {
  badgeRefreshMs,
  formatAge,
  StaleWatch,
  staleAfterMs,
  systemClock,
  type Clock,
} from './node-red/stale-watch';
import type { DeviceNodeDef, NavienInputMessage } from './node-red/types';

interface StatusNodeDef extends DeviceNodeDef {
  interval?: string | number;
  units?: UnitChoice;
  outputMode?: 'every' | 'changes';
  includeRaw?: boolean;
}

const RETRY_START_MS = 60_000;
const MALFORMED_WARN_EVERY_MS = 60_000;

interface Followed {
  device: Device;
  sub: StatusSubscription;
  /** The last status this node sent (frozen and shared, so keeping it costs nothing). */
  lastSent?: StatusUpdate['status'];
  /** The one-time "offline" message was sent for this heater. */
  offlineAnnounced?: boolean;
  /** msg.topic, built once. */
  topic: string;
}

/** Tests replace the clock behind the stale badge (see test/nodes/status-node.test.ts). */
const statusNodeClock: { current: Clock } = { current: systemClock };

function navienStatus(RED: NodeAPI): void {
  // Ten nodes on one heater receive the same update object: summarise it once for all.
  let summarized: StatusUpdate | undefined;
  let summary = '';
  const summaryOf = (update: StatusUpdate, status: DecodedStatus): string => {
    if (update !== summarized) {
      summarized = update;
      summary = summarizeStatus(status);
    }
    return summary;
  };

  function NavienStatusNode(this: Node, config: StatusNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { accountNode, release } = attachAccount(RED, node, config.account);
    const units: UnitChoice = config.units === 'F' || config.units === 'C' ? config.units : 'auto';
    const intervalS = parseInterval(config.interval);
    const changesOnly = config.outputMode === 'changes';
    const followed = new Map<string, Followed>();
    let account: NavienAccount | undefined;
    let stopStateListener: (() => void) | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    /** The first start attempt: an input that arrives during it waits for it. */
    let starting: Promise<void> = Promise.resolve();
    let lastMalformedWarning = 0;
    let closed = false;

    const text = (key: string, subs?: Record<string, string | number>) =>
      commonText(RED, key, subs);
    const ownText = (key: string, subs?: Record<string, string | number>) =>
      RED._(`node-red-contrib-navien/navien-status:navien-status.status.${key}`, subs);

    let lastBadge = '';
    /** Any badge other than the status summary; the next summary is then shown again. */
    const show = (status: NodeStatus): void => {
      lastBadge = '';
      node.status(status);
    };
    const staleMs = staleAfterMs(intervalS);
    const stale = new StaleWatch(
      staleMs,
      (ageMs, everHeard) =>
        show({
          fill: 'grey',
          shape: 'ring',
          text: ownText(everHeard ? 'stale' : 'staleNever', { age: formatAge(ageMs) }),
        }),
      // Repeated while the silence lasts, so the age on the badge stays roughly current.
      { clock: statusNodeClock.current, repeatMs: badgeRefreshMs(staleMs) },
    );

    /** With several heaters the badge says which one it shows. */
    const badgeFor = (update: StatusUpdate, status: DecodedStatus): string => {
      const text = summaryOf(update, status);
      if (followed.size < 2) return text;
      return `${shortText(update.deviceName || update.macAddress.slice(-4), 10)}: ${text}`;
    };

    const emitStatus = (entry: Followed, update: StatusUpdate): void => {
      stale.heard();
      if (changesOnly) {
        const status = update.status;
        if (sameStatus(entry.lastSent, status)) return;
        entry.lastSent = status;
      }
      // Every message gets a status object of its own (update.copy()), so a flow that edits
      // msg.payload changes only its own message; the badge is read from it before it is sent.
      const payload = update.copy();
      const msg: NodeMessage & { raw?: unknown } = {
        topic: entry.topic,
        payload,
      };
      if (config.includeRaw) msg.raw = Object.assign({}, update.raw);
      const badge = badgeFor(update, payload);
      // Badge updates go to every open editor; send one only when its text changes.
      if (badge !== lastBadge) {
        lastBadge = badge;
        node.status(okBadge(badge));
      }
      node.send(msg);
    };

    const showOffline = (): void => {
      const offline = [...followed.values()].filter((f) => !f.device.connected);
      if (offline.length === 0 || account?.connectionState !== 'connected') return;
      if (followed.size === 1) {
        const device = offline[0].device;
        show({
          fill: 'grey',
          shape: 'ring',
          text: offlineBadgeText(device, text('status.deviceOffline'), (code) =>
            ownText('offlineError', { code }),
          ),
        });
        return;
      }
      const first = offline[0].device;
      show({
        fill: 'grey',
        shape: 'ring',
        text:
          offline.length === 1
            ? ownText('offlineOne', {
                name: shortText(first.deviceName || first.macAddress.slice(-4), 12),
              })
            : ownText('offlineMany', { count: offline.length }),
      });
    };

    /** Once per heater: the cloud lists it as offline, with its last reported fault if any. */
    const announceOffline = (): void => {
      for (const entry of followed.values()) {
        if (entry.device.connected || entry.offlineAnnounced) continue;
        entry.offlineAnnounced = true;
        node.send(offlineNotice(entry.device));
      }
    };

    const onConnectionState = (event: ConnectionStateChange): void => {
      switch (event.state) {
        case 'connecting':
          show({ fill: 'yellow', shape: 'ring', text: text('status.connecting') });
          break;
        case 'reconnecting':
          show({ fill: 'yellow', shape: 'ring', text: text('status.reconnecting') });
          break;
        case 'connected':
          show({ fill: 'green', shape: 'dot', text: text('status.connected') });
          showOffline();
          break;
        case 'auth-failed':
          lastBadge = '';
          raiseError(
            RED,
            node,
            event.error ??
              new NavienError(
                'NAVIEN_AUTH_FAILED',
                'The Navien MQTT service refused the credentials',
              ),
            'navien/status',
          );
          break;
        default:
          break;
      }
    };

    const follow = (device: Device): Followed | undefined => {
      if (!account || closed) return undefined;
      const known = followed.get(device.macAddress);
      if (known) return known;
      const entry = { device, topic: `navien/${device.macAddress}/status` } as Followed;
      followed.set(device.macAddress, entry);
      entry.sub = account.subscribeStatus(device, {
        units,
        intervalS,
        onStatus: (update) => emitStatus(entry, update),
        onMalformed: (reason) => {
          const now = Date.now();
          if (now - lastMalformedWarning < MALFORMED_WARN_EVERY_MS) return;
          lastMalformedWarning = now;
          node.warn(text('warn.malformed', { reason }));
        },
      });
      return entry;
    };

    const start = async (): Promise<void> => {
      retryTimer = undefined;
      try {
        account = requireAccount(accountNode);
        const devices = config.device?.trim()
          ? [await account.device(config.device)]
          : await account.listDevices();
        if (closed) return;
        if (devices.length === 0) {
          show({ fill: 'grey', shape: 'ring', text: text('status.noDevices') });
          return;
        }
        if (!stopStateListener) {
          stopStateListener = account.onConnectionState(onConnectionState);
          onConnectionState({ state: account.connectionState });
        }
        for (const device of devices) follow(device);
        announceOffline();
        showOffline();
      } catch (err) {
        if (closed) return;
        lastBadge = '';
        raiseError(RED, node, err, 'navien/status');
        // Try again later; the session's own backoff keeps a bad password from hammering sign-in.
        retryTimer = setTimeout(() => void start(), RETRY_START_MS);
      }
    };

    node.on('input', (msg: NavienInputMessage, _send, done) => {
      const run = async (): Promise<void> => {
        await starting;
        if (!account || !stopStateListener)
          throw new NavienError('NAVIEN_MQTT_UNAVAILABLE', 'The status stream has not started yet');
        if (account.connectionState === 'auth-failed' || account.connectionState === 'closed') {
          throw new NavienError(
            'NAVIEN_MQTT_UNAVAILABLE',
            'Not connected to the Navien MQTT service',
          );
        }
        // While (re)connecting the stream asks every heater for a status as soon as it is up, so
        // an input then is already answered: only a connected stream needs to ask now.
        const connected = account.connectionState === 'connected';
        const hasMsgDevice = msg.device !== undefined && msg.device !== null && msg.device !== '';
        if (!config.device?.trim() && !hasMsgDevice) {
          if (connected) await Promise.all([...followed.values()].map((f) => f.sub.requestNow()));
          return;
        }
        const mac = pickDeviceMac(config.device, msg.device, () =>
          node.warn(text('warn.msgDeviceIgnored')),
        );
        const entry = followed.get(mac);
        // A device this node does not follow yet is followed from now on (joining asks for a status).
        if (entry) {
          if (connected) await entry.sub.requestNow();
        } else {
          follow(await account.device(mac));
          announceOffline();
        }
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
      stale.stop();
      if (retryTimer) clearTimeout(retryTimer);
      for (const entry of followed.values()) entry.sub.close();
      followed.clear();
      stopStateListener?.();
      release();
      done();
    });

    if (!accountNode) {
      show({ fill: 'red', shape: 'ring', text: text('status.noAccount') });
      stale.stop();
      return;
    }
    show({ fill: 'yellow', shape: 'ring', text: text('status.connecting') });
    starting = start();
  }

  RED.nodes.registerType('navien-status', NavienStatusNode);
}

export = Object.assign(navienStatus, { clock: statusNodeClock });
