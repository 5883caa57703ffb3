import type { Node, NodeAPI, NodeMessage, NodeStatus } from 'node-red';
import type { NavienAccount } from './navien/account';
import { decodeStatus, summarizeStatus } from './navien/decode/status';
import { NavienError } from './navien/errors';
import type { NavienMqtt } from './navien/mqtt/connection';
import type { DeviceChannel } from './navien/mqtt/device-channel';
import type { Device } from './navien/types';
import { attachAccount, requireAccount } from './node-red/account-ref';
import { pickDeviceMac } from './node-red/device-target';
import { commonText } from './node-red/i18n';
import { raiseError, reportError } from './node-red/report-error';
import { okBadge } from './node-red/status-badge';
import { parseInterval } from './node-red/status-options';
import type { DeviceNodeDef, NavienInputMessage } from './node-red/types';

type Units = 'auto' | 'F' | 'C';

interface StatusNodeDef extends DeviceNodeDef {
  interval?: string | number;
  units?: Units;
  outputMode?: 'every' | 'changes';
  includeRaw?: boolean;
}

const RETRY_START_MS = 60_000;
const MALFORMED_WARN_EVERY_MS = 60_000;

interface Watched {
  device: Device;
  channel: DeviceChannel;
  lastPayloadKey?: string;
}

export = function (RED: NodeAPI): void {
  function NavienStatusNode(this: Node, config: StatusNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { accountNode, release } = attachAccount(RED, node, config.account);
    const units: Units = config.units === 'F' || config.units === 'C' ? config.units : 'auto';
    const intervalS = parseInterval(config.interval);
    const watched = new Map<string, Watched>();
    let account: NavienAccount | undefined;
    let mqtt: NavienMqtt | undefined;
    let pollTimer: NodeJS.Timeout | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let lastMalformedWarning = 0;
    let closed = false;

    const text = (key: string, subs?: Record<string, string | number>) =>
      commonText(RED, key, subs);

    const requestStatus = (entry: Watched): Promise<void> => entry.channel.requestStatus();
    const requestAll = (): void => {
      if (!mqtt || mqtt.state !== 'connected') return;
      for (const entry of watched.values()) {
        requestStatus(entry).catch((err: unknown) =>
          node.debug(`status request failed: ${String(err)}`),
        );
      }
    };

    let lastBadge = '';
    /** Any badge other than the status summary; the next summary is then shown again. */
    const show = (status: NodeStatus): void => {
      lastBadge = '';
      node.status(status);
    };
    const emitStatus = (entry: Watched, raw: Record<string, unknown>): void => {
      const decoded = decodeStatus(raw, { units });
      if (config.outputMode === 'changes') {
        // Compared before receivedAt (which always differs) is added.
        const key = JSON.stringify(decoded);
        if (key === entry.lastPayloadKey) return;
        entry.lastPayloadKey = key;
      }
      const badge = summarizeStatus(decoded);
      // The decoded object is fresh for this message: add fields in place rather than copying
      // ~100 keys again (this is the hot path, see bench/README.md).
      const payload: Record<string, unknown> = decoded;
      payload.macAddress = entry.device.macAddress;
      payload.deviceName = entry.device.deviceName;
      payload.receivedAt = new Date().toISOString();
      const msg: NodeMessage & { raw?: unknown } = {
        topic: `navien/${entry.device.macAddress}/status`,
        payload,
      };
      if (config.includeRaw) msg.raw = raw;
      // Badge updates go to every open editor; send one only when its text changes.
      if (badge !== lastBadge) {
        lastBadge = badge;
        node.status(okBadge(badge));
      }
      node.send(msg);
    };

    const onMqttState = (event: { state: string; error?: unknown }): void => {
      switch (event.state) {
        case 'connecting':
          show({ fill: 'yellow', shape: 'ring', text: text('status.connecting') });
          break;
        case 'reconnecting':
          show({ fill: 'yellow', shape: 'ring', text: text('status.reconnecting') });
          break;
        case 'connected':
          show({ fill: 'green', shape: 'dot', text: text('status.connected') });
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

    const watch = async (device: Device): Promise<void> => {
      if (!account || watched.has(device.macAddress)) return;
      const channel = account.channel(device);
      const entry: Watched = { device, channel };
      watched.set(device.macAddress, entry);
      channel.on('status', (raw: Record<string, unknown>) => emitStatus(entry, raw));
      channel.on('feature', (feature: Record<string, unknown>) =>
        account?.rememberFeature(device.macAddress, feature),
      );
      channel.on('malformed', (reason: string) => {
        const now = Date.now();
        if (now - lastMalformedWarning < MALFORMED_WARN_EVERY_MS) return;
        lastMalformedWarning = now;
        node.warn(text('warn.malformed', { reason }));
      });
      // Subscribe before requesting: answers are not retained.
      await channel.open();
      if (mqtt?.state === 'connected') await requestStatus(entry).catch(() => undefined);
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
          show({ fill: 'grey', shape: 'ring', text: text('status.noDevices') });
          return;
        }
        if (!mqtt) {
          mqtt = account.mqtt;
          mqtt.on('state', onMqttState);
          mqtt.on('connected', requestAll);
          mqtt.acquire();
          onMqttState({ state: mqtt.state });
        }
        for (const device of devices) await watch(device);
        if (devices.length === 1 && !devices[0].connected && mqtt.state === 'connected') {
          show({ fill: 'grey', shape: 'ring', text: text('status.deviceOffline') });
        }
        if (intervalS > 0 && !pollTimer) pollTimer = setInterval(requestAll, intervalS * 1000);
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
        if (!account || !mqtt)
          throw new NavienError('NAVIEN_MQTT_UNAVAILABLE', 'The status stream has not started yet');
        if (mqtt.state !== 'connected') {
          throw new NavienError(
            'NAVIEN_MQTT_UNAVAILABLE',
            'Not connected to the Navien MQTT service yet',
          );
        }
        const hasMsgDevice = msg.device !== undefined && msg.device !== null && msg.device !== '';
        if (!config.device?.trim() && !hasMsgDevice) {
          await Promise.all([...watched.values()].map(requestStatus));
          return;
        }
        const mac = pickDeviceMac(config.device, msg.device, () =>
          node.warn(text('warn.msgDeviceIgnored')),
        );
        const entry = watched.get(mac);
        // A device this node does not follow yet is watched from now on (watch requests a status).
        if (entry) await requestStatus(entry);
        else await watch(await account.device(mac));
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
      if (pollTimer) clearInterval(pollTimer);
      if (retryTimer) clearTimeout(retryTimer);
      for (const entry of watched.values()) entry.channel.close();
      watched.clear();
      if (mqtt) {
        mqtt.off('state', onMqttState);
        mqtt.off('connected', requestAll);
        mqtt.release();
      }
      release();
      done();
    });

    if (!accountNode) {
      show({ fill: 'red', shape: 'ring', text: text('status.noAccount') });
      return;
    }
    show({ fill: 'yellow', shape: 'ring', text: text('status.connecting') });
    void start();
  }

  RED.nodes.registerType('navien-status', NavienStatusNode);
};
