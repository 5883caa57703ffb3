import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeAPI } from 'node-red';
import type { Request, Response } from 'express';
import { buildDiagnostics } from '../navien/diagnostics/snapshot';
import { toNavienError } from '../navien/errors';
import { requireAccount } from './account-ref';
import { errorLog } from './error-log';
import type { AccountNode } from './types';

/** The deployed account node of `req.params.id`, or a 404 answer (and null). */
function deployedAccount(RED: NodeAPI, req: Request, res: Response): AccountNode | null {
  const accountNode = RED.nodes.getNode(String(req.params.id)) as AccountNode | null;
  if (!accountNode || accountNode.type !== 'navien-account') {
    res.status(404).json({ code: 'NAVIEN_NOT_DEPLOYED', message: 'Deploy the account first' });
    return null;
  }
  return accountNode;
}

/** This package's version (src/node-red/ and the built nodes/node-red/ sit two levels down). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Node-RED's version: RED.version() (typed as a promise, a string at runtime: either works). */
async function nodeRedVersion(RED: NodeAPI): Promise<string> {
  const fromSettings = (RED.settings as { version?: unknown }).version;
  try {
    if (typeof RED.version === 'function') return String(await RED.version());
  } catch {
    // fall through to the settings
  }
  return typeof fromSettings === 'string' ? fromSettings : 'unknown';
}

/**
 * Editor support: the device dropdown of every device node asks the deployed account for its
 * devices, and the account dialog's "Copy diagnostics" asks for its diagnostics. Protected by
 * Node-RED's admin auth, so only editor users with read rights get them.
 */
export function registerAdminRoutes(RED: NodeAPI): void {
  RED.httpAdmin.get(
    '/navien/accounts/:id/devices',
    RED.auth.needsPermission('navien.read'),
    (req: Request, res: Response) => {
      const accountNode = deployedAccount(RED, req, res);
      if (!accountNode) return;
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

  // Read-only: it sends nothing to the cloud, so asking never costs a sign-in or a request.
  RED.httpAdmin.get(
    '/navien/accounts/:id/diagnostics',
    RED.auth.needsPermission('navien.read'),
    (req: Request, res: Response) => {
      const accountNode = deployedAccount(RED, req, res);
      if (!accountNode) return;
      void nodeRedVersion(RED).then((version) =>
        res.json(
          buildDiagnostics({
            account: accountNode.account,
            configError: accountNode.configError,
            packageVersion: packageVersion(),
            nodeRedVersion: version,
            errors: errorLog.recent(accountNode.id),
          }),
        ),
      );
    },
  );
}
