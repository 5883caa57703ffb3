import type { Node, NodeAPI } from 'node-red';
import { type NavienError, toNavienError } from '../navien/errors';
import { logError } from './error-log';
import { errorBadge } from './status-badge';
import type { NavienInputMessage } from './types';

/**
 * The one place a node turns a failure into what the user sees: a badge, `msg.navienError`
 * (code, message, retriable — visible in Catch flows on every Node-RED version) and
 * `done(err)`, which hands the error (with `err.code` -> msg.error.code) to Catch nodes; and
 * the account's error log that diagnostics show (error-log.ts).
 */
export function reportError(
  RED: NodeAPI,
  node: Node,
  err: unknown,
  msg: NavienInputMessage,
  done: (err?: Error) => void,
): NavienError {
  const error = toNavienError(err);
  msg.navienError = error.toJSON();
  node.status(errorBadge(RED, error));
  logError(node, error);
  done(error);
  return error;
}

/** For event sources with no input message: still catchable (node.error with a msg). */
export function raiseError(RED: NodeAPI, node: Node, err: unknown, topic: string): NavienError {
  const error = toNavienError(err);
  node.status(errorBadge(RED, error));
  logError(node, error);
  node.error(error, { topic, payload: null, navienError: error.toJSON() });
  return error;
}
