import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { NavienAccount } from '../navien/account';
import type { Device } from '../navien/types';
import { attachAccount, requireAccount } from './account-ref';
import { explainTimeout, pickDeviceMac, wantsFresh } from './device-target';
import { commonText } from './i18n';
import { reportError } from './report-error';
import { busyBadge, okBadge } from './status-badge';
import type { DeviceNodeDef, NavienInputMessage } from './types';

export interface RequestContext<TDef extends DeviceNodeDef> {
  node: Node;
  config: TDef;
  account: NavienAccount;
  msg: NavienInputMessage;
  /** True when msg.fresh asks to bypass the cache. */
  fresh: boolean;
  /** The device this message is about (node setting, else msg.device). */
  device: () => Promise<Device>;
}

export interface RequestResult {
  /** One message, or several (e.g. one per device). */
  messages: NodeMessage | NodeMessage[];
  /** Short text for the green badge. */
  badge: string;
}

/**
 * The shape shared by the request-style nodes (devices, device info, firmware, TOU...):
 * input -> one cloud call through the account -> msg.payload, with badges and catchable
 * errors in one place. Each node supplies only `handle`.
 */
export function registerRequestNode<TDef extends DeviceNodeDef>(
  RED: NodeAPI,
  type: string,
  handle: (ctx: RequestContext<TDef>) => Promise<RequestResult>,
): void {
  function RequestNode(this: Node, config: TDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const { accountNode, release } = attachAccount(RED, node, config.account);
    let warnedAboutMsgDevice = false;
    if (!accountNode)
      node.status({ fill: 'red', shape: 'ring', text: commonText(RED, 'status.noAccount') });

    node.on('input', (msg: NavienInputMessage, send, done) => {
      let account: NavienAccount;
      try {
        account = requireAccount(accountNode);
      } catch (err) {
        reportError(RED, node, err, msg, done);
        return;
      }
      let target: Device | undefined;
      const ctx: RequestContext<TDef> = {
        node,
        config,
        account,
        msg,
        fresh: wantsFresh(msg.fresh),
        device: async () => {
          const mac = pickDeviceMac(config.device, msg.device, () => {
            if (warnedAboutMsgDevice) return;
            warnedAboutMsgDevice = true;
            node.warn(commonText(RED, 'warn.msgDeviceIgnored'));
          });
          target = await account.device(mac);
          return target;
        },
      };
      node.status(busyBadge(RED));
      handle(ctx).then(
        (result) => {
          node.status(okBadge(result.badge));
          // An array means several messages on the one output.
          send(Array.isArray(result.messages) ? [result.messages] : result.messages);
          done();
        },
        (err: unknown) => {
          reportError(RED, node, explainTimeout(err, target), msg, done);
        },
      );
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      release();
      done();
    });
  }
  RED.nodes.registerType(type, RequestNode);
}
