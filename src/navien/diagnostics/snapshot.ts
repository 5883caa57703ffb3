/**
 * The diagnostics a user attaches to a bug report (issue 14). Redacted by construction: every
 * field below is named and filled one by one from read-only getters, never by copying an
 * object, so nothing the allow-list does not name (e-mail, password, tokens, AWS keys, full
 * MACs, addresses, coordinates) can reach it; free texts go through redactText().
 */
import type { NavienAccount } from '../account';
import { DEFAULT_API_URL, DEFAULT_MQTT_URL } from '../constants';
import type { NavienError } from '../errors';
import type { LoggedError } from './error-log';
import { maskMac, redactText } from './redact';

export interface Diagnostics {
  generatedAt: string;
  versions: { package: string; nodeRed: string; node: string; platform: string };
  account: {
    /** 'navien-cloud', or 'custom' when an API or MQTT URL is overridden (e.g. the simulator). */
    endpoints: 'navien-cloud' | 'custom' | null;
    configError: { code: string; message: string } | null;
  };
  session: {
    state: string;
    signedIn: boolean;
    tokenExpiresInMin: number | null;
    awsExpiresInMin: number | null;
    /** Set while sign-ins wait after a failure. */
    backoff: { state: string; retryInS: number; code: string; message: string } | null;
    lastSignInAt: string | null;
    lastRefreshAt: string | null;
  } | null;
  mqtt: {
    state: string;
    connectedSince: string | null;
    reconnects: number;
    lastCloseReason: string | null;
    subscriptions: string[];
  } | null;
  devices: {
    mac: string;
    connected: boolean | null;
    lastStatusAgeS: number | null;
    statusListeners: number;
  }[];
  deviceListAgeS: number | null;
  errors: LoggedError[];
  counters: {
    restRequests: number;
    restRetries: number;
    restFailures: number;
    cacheHits: number;
    cloudFetches: number;
    sharedFetches: number;
  } | null;
}

export interface DiagnosticsInput {
  /** Null when the account node could not create one (see configError). */
  account: NavienAccount | null;
  configError: NavienError | null;
  packageVersion: string;
  nodeRedVersion: string;
  errors: LoggedError[];
  now?: number;
}

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();
const minutesUntil = (ms: number | undefined, now: number): number | null =>
  ms === undefined ? null : Math.round((ms - now) / 60_000);
const secondsSince = (ms: number | undefined, now: number): number | null =>
  ms === undefined ? null : Math.max(0, Math.round((now - ms) / 1000));

export function buildDiagnostics(input: DiagnosticsInput): Diagnostics {
  const now = input.now ?? Date.now();
  const account = input.account;
  const error = input.configError;
  return {
    generatedAt: new Date(now).toISOString(),
    versions: {
      package: redactText(input.packageVersion, 40),
      nodeRed: redactText(input.nodeRedVersion, 40),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    account: {
      endpoints: account
        ? account.apiUrl === DEFAULT_API_URL && account.mqttUrl === DEFAULT_MQTT_URL
          ? 'navien-cloud'
          : 'custom'
        : null,
      configError: error ? { code: error.code, message: redactText(error.message) } : null,
    },
    session: account ? sessionPart(account, now) : null,
    mqtt: account ? mqttPart(account) : null,
    devices: account ? devicesPart(account, now) : [],
    deviceListAgeS: secondsSince(account?.api.lastDeviceList()?.fetchedAt, now),
    errors: input.errors.map((e) => ({
      at: e.at,
      code: e.code,
      node: e.node,
      message: redactText(e.message),
    })),
    counters: account
      ? {
          restRequests: account.http.stats.requests,
          restRetries: account.http.stats.retries,
          restFailures: account.http.stats.failures,
          cacheHits: account.api.stats.cacheHits,
          cloudFetches: account.api.stats.fetches,
          sharedFetches: account.api.stats.shared,
        }
      : null,
  };
}

function sessionPart(account: NavienAccount, now: number): Diagnostics['session'] {
  const state = account.session.state;
  const times = account.session.timeline;
  const blocked = state.state === 'backoff' || state.state === 'auth-failed';
  return {
    state: state.state,
    signedIn: state.state === 'ready' && times.accessExpiresAt !== undefined,
    tokenExpiresInMin: minutesUntil(times.accessExpiresAt, now),
    awsExpiresInMin: minutesUntil(times.awsExpiresAt, now),
    backoff: blocked
      ? {
          state: state.state,
          retryInS: Math.max(0, Math.round(((state.retryAt ?? now) - now) / 1000)),
          code: state.error?.code ?? '',
          message: redactText(state.error?.message ?? ''),
        }
      : null,
    lastSignInAt: iso(times.lastSignInAt),
    lastRefreshAt: iso(times.lastRefreshAt),
  };
}

function mqttPart(account: NavienAccount): Diagnostics['mqtt'] {
  const history = account.connectionLog.history;
  const state = account.connectionState;
  return {
    state,
    connectedSince: iso(history.connectedSince),
    reconnects: history.reconnects,
    lastCloseReason: history.lastCloseReason ?? null,
    // Only an MQTT connection already made has topics; asking must not open one.
    subscriptions:
      state === 'idle' || state === 'closed'
        ? []
        : account.mqtt.subscribedTopics().map((t) => redactText(t)),
  };
}

/** The device list as last fetched, joined with the live status streams (no request made). */
function devicesPart(account: NavienAccount, now: number): Diagnostics['devices'] {
  const streams = new Map(account.statusStreams().map((s) => [s.macAddress, s]));
  const listed = account.api.lastDeviceList()?.devices ?? [];
  const macs = new Set([...listed.map((d) => d.macAddress), ...streams.keys()]);
  return [...macs].map((mac) => {
    const device = listed.find((d) => d.macAddress === mac);
    const stream = streams.get(mac);
    return {
      mac: maskMac(mac),
      connected: device ? device.connected : null,
      lastStatusAgeS: secondsSince(stream?.lastStatusAt, now),
      statusListeners: stream?.listeners ?? 0,
    };
  });
}
