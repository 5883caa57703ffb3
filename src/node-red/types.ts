import type { Node, NodeDef, NodeMessageInFlow } from 'node-red';
import type { NavienAccount } from '../navien/account';
import type { NavienError } from '../navien/errors';

export interface AccountCredentials {
  email?: string;
  password?: string;
}

export interface AccountNodeDef extends NodeDef {
  apiUrl?: string;
  mqttUrl?: string;
  cacheTtl?: string | number;
}

/** The running navien-account config node. */
export interface AccountNode extends Node<AccountCredentials> {
  /** Null when the configuration cannot work (see configError). */
  account: NavienAccount | null;
  configError: NavienError | null;
  /** Nodes using this account: the runtime routes our status and errors to their flows. */
  users: Record<string, Node>;
  register(user: Node): void;
  deregister(user: Node): void;
}

/** Common settings of every node that works on one device. */
export interface DeviceNodeDef extends NodeDef {
  account: string;
  device?: string;
}

/** What a flow may put on msg to steer a node (documented in each node's help). */
export interface NavienInputMessage extends NodeMessageInFlow {
  device?: unknown;
  fresh?: unknown;
  controllerId?: unknown;
  navienError?: unknown;
  fromCache?: boolean;
}
