import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import { toNavienError } from '../navien/errors';
import { requireAccount } from './account-ref';
import type { AccountNode } from './types';

/**
 * Editor support: the device dropdown of every device node asks the deployed account for its
 * devices. Protected by Node-RED's admin auth, so only editor users with read rights get it.
 */
export function registerAdminRoutes(RED: NodeAPI): void {
  RED.httpAdmin.get(
    '/navien/accounts/:id/devices',
    RED.auth.needsPermission('navien.read'),
    (req: Request, res: Response) => {
      const accountNode = RED.nodes.getNode(String(req.params.id)) as AccountNode | null;
      if (!accountNode || accountNode.type !== 'navien-account') {
        res.status(404).json({ code: 'NAVIEN_NOT_DEPLOYED', message: 'Deploy the account first' });
        return;
      }
      let account;
      try {
        account = requireAccount(accountNode);
      } catch (err) {
        const error = toNavienError(err);
        res.status(400).json({ code: error.code, message: error.message });
        return;
      }
      account.api.listDevices({ fresh: req.query.fresh === 'true' }).then(
        ({ value }) =>
          res.json(
            value.map((d) => ({
              macAddress: d.macAddress,
              deviceName: d.deviceName,
              connected: d.connected,
              deviceType: d.deviceType,
            })),
          ),
        (err: unknown) => {
          const error = toNavienError(err);
          // Never 401 here: the editor would take it as its own login expiring.
          res.status(502).json({
            code: error.code,
            message: error.message,
          });
        },
      );
    },
  );
}
