import type { Node, NodeAPI } from 'node-red';
import type { NavienAccount } from '../navien/account';
import { NavienError } from '../navien/errors';
import { noteAccount } from './error-log';
import type { AccountNode } from './types';

/**
 * Finds the navien-account config node a flow node points at and registers the flow node as
 * one of its users (so the account's status and errors reach that node's flow). The caller
 * must call the returned `release` from its close handler.
 */
export function attachAccount(
  RED: NodeAPI,
  node: Node,
  accountId: string | undefined,
): { accountNode: AccountNode | null; release: () => void } {
  if (accountId) noteAccount(node, accountId);
  const accountNode = accountId ? (RED.nodes.getNode(accountId) as AccountNode | null) : null;
  if (!accountNode) return { accountNode: null, release: () => undefined };
  accountNode.register(node);
  return { accountNode, release: () => accountNode.deregister(node) };
}

/** The usable account behind a config node, or the reason there is none. */
export function requireAccount(accountNode: AccountNode | null): NavienAccount {
  if (!accountNode) {
    throw new NavienError(
      'NAVIEN_NOT_CONFIGURED',
      'No Navien account is selected: open the node and choose one',
    );
  }
  if (accountNode.configError) throw accountNode.configError;
  if (!accountNode.account) {
    throw new NavienError('NAVIEN_NOT_CONFIGURED', 'The Navien account is not configured');
  }
  return accountNode.account;
}
