import type { Node, NodeAPI } from 'node-red';
import { checkEndpoint, NavienAccount, NavienError, toNavienError, type Logger } from './navien';
import { registerAdminRoutes } from './node-red/admin-routes';
import { errorBadge } from './node-red/status-badge';
import { timeoutsFromSettings } from './node-red/timeout-settings';
import { tokenStoreFor } from './node-red/token-store-for';
import type { AccountNode, AccountNodeDef, AccountCredentials } from './node-red/types';

const DEFAULT_CACHE_TTL_S = 60;

export = function (RED: NodeAPI): void {
  function NavienAccountNode(this: AccountNode, config: AccountNodeDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    node.users = {};
    node.account = null;
    node.configError = null;

    node.register = (user: Node) => {
      node.users[user.id] = user;
    };
    node.deregister = (user: Node) => {
      delete node.users[user.id];
    };

    // Empty credentials fall back to the environment (containers, the demo).
    const credentials: AccountCredentials = node.credentials ?? {};
    const email = credentials.email?.trim() || process.env.NAVIEN_EMAIL?.trim() || '';
    const password = credentials.password || process.env.NAVIEN_PASSWORD || '';

    try {
      if (!email || !password) {
        throw new NavienError(
          'NAVIEN_NOT_CONFIGURED',
          'The Navien account has no e-mail or password: enter them in the account node (or set NAVIEN_EMAIL and NAVIEN_PASSWORD)',
        );
      }
      const apiUrl = config.apiUrl?.trim() ? checkEndpoint(config.apiUrl, 'api') : undefined;
      const mqttUrl = config.mqttUrl?.trim() ? checkEndpoint(config.mqttUrl, 'mqtt') : undefined;
      const cacheTtl = Number(config.cacheTtl);
      const logger: Logger = {
        debug: (m) => node.debug(m),
        info: (m) => node.log(m),
        warn: (m) => node.warn(m),
      };
      const account = new NavienAccount({
        email,
        password,
        ...(apiUrl ? { apiUrl } : {}),
        ...(mqttUrl ? { mqttUrl } : {}),
        cacheTtlMs:
          (Number.isFinite(cacheTtl) && cacheTtl >= 0 ? cacheTtl : DEFAULT_CACHE_TTL_S) * 1000,
        tokenStore: tokenStoreFor(RED.settings.userDir, email, apiUrl ?? 'navien-cloud'),
        ...timeoutsFromSettings(RED.settings),
        logger,
      });
      // A rejected password turns every user's badge red at once (they also fail their own calls).
      account.session.on('state', (event: { state: string; error?: unknown }) => {
        if (event.state === 'auth-failed' && event.error) {
          const badge = errorBadge(RED, toNavienError(event.error));
          for (const user of Object.values(node.users)) user.status(badge);
        }
      });
      node.account = account;
    } catch (err) {
      node.configError = toNavienError(err, 'NAVIEN_NOT_CONFIGURED');
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      const account = node.account;
      node.account = null;
      if (!account) {
        done();
        return;
      }
      // Bounded well below Node-RED's 15 s close timeout.
      const timer = setTimeout(done, 5000);
      account.close().then(
        () => {
          clearTimeout(timer);
          done();
        },
        () => {
          clearTimeout(timer);
          done();
        },
      );
    });
  }

  RED.nodes.registerType<AccountNode, AccountNodeDef, unknown, AccountCredentials>(
    'navien-account',
    NavienAccountNode,
    {
      credentials: {
        email: { type: 'text' },
        password: { type: 'password' },
      },
    },
  );
  registerAdminRoutes(RED);
};
