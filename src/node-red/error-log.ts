import type { Node } from 'node-red';
import { ErrorLog } from '../navien/diagnostics/error-log';
import type { NavienError } from '../navien/errors';

/**
 * The runtime's log of errors shown to users, per account, for the diagnostics endpoint. One
 * per process so it outlives redeploys (the errors before a redeploy are often the interesting
 * ones). Nodes are tied to their account when they attach to it (account-ref.ts).
 */
export const errorLog = new ErrorLog();

const accountOf = new WeakMap<Node, string>();

/** Notes which account a node uses, so its errors land in that account's log. */
export function noteAccount(node: Node, accountId: string): void {
  accountOf.set(node, accountId);
}

/** Records an error a node showed its user (nodes without an account have no log to go to). */
export function logError(node: Node, error: NavienError): void {
  const accountId = accountOf.get(node);
  if (accountId === undefined) return;
  errorLog.record(accountId, {
    code: error.code,
    message: error.message,
    nodeType: node.type,
    nodeId: node.id,
  });
}
