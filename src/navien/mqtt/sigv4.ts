/**
 * AWS Signature Version 4 query-string presigning (AWS-IOT-MQTT.md §1), synchronous and built on
 * node:crypto only, because mqtt.js asks for the WebSocket URL from a synchronous hook.
 */
import { createHash, createHmac } from 'node:crypto';
import { AWS_IOT_SERVICE, AWS_REGION } from '../constants';
import type { AwsCredentials } from '../types';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface SigningCredentials {
  accessKeyId: string;
  secretKey: string;
  sessionToken?: string;
}

export interface PresignInput {
  method?: string;
  /** URL scheme without "://", e.g. "wss", "https". */
  protocol: string;
  /** Host as sent in the Host header: lower-case, with ":port" only when it is not the default. */
  host: string;
  /** Unencoded absolute path, e.g. "/mqtt". */
  path: string;
  /** Extra query parameters (unencoded); they are signed. */
  query?: Record<string, string>;
  region: string;
  service: string;
  credentials: SigningCredentials;
  date: Date;
  /** Adds X-Amz-Expires when given (IoT signers leave it out). */
  expiresSec?: number;
  /**
   * true: the session token is part of the canonical query (most AWS services).
   * false (default): it is appended after X-Amz-Signature, as AWS IoT requires (§1.2).
   */
  signSessionToken?: boolean;
}

export interface PresignResult {
  url: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/** RFC 3986 encoding as SigV4 wants it: everything except A-Z a-z 0-9 - _ . ~ is %XX. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** "2015-08-30T12:36:00.000Z" → "20150830T123600Z". */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function canonicalUri(path: string): string {
  const p = path.startsWith('/') ? path : `/${path}`;
  return p.split('/').map(rfc3986).join('/');
}

function canonicalQueryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Presigns a URL and returns the intermediate strings too (for tests and diagnostics). */
export function presignUrlDetailed(input: PresignInput): PresignResult {
  const method = (input.method ?? 'GET').toUpperCase();
  const host = input.host.toLowerCase();
  const timestamp = amzDate(input.date);
  const day = timestamp.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;

  const params: Record<string, string> = {
    ...(input.query ?? {}),
    'X-Amz-Algorithm': ALGORITHM,
    'X-Amz-Credential': `${input.credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': timestamp,
    'X-Amz-SignedHeaders': 'host',
  };
  if (input.expiresSec !== undefined) params['X-Amz-Expires'] = String(input.expiresSec);
  const token = input.credentials.sessionToken;
  if (token && input.signSessionToken) params['X-Amz-Security-Token'] = token;

  const query = canonicalQueryString(params);
  const canonicalRequest = [
    method,
    canonicalUri(input.path),
    query,
    `host:${host}`,
    '',
    'host',
    EMPTY_SHA256,
  ].join('\n');
  const stringToSign = [ALGORITHM, timestamp, scope, sha256Hex(canonicalRequest)].join('\n');

  let key = hmac(`AWS4${input.credentials.secretKey}`, day);
  key = hmac(key, input.region);
  key = hmac(key, input.service);
  key = hmac(key, 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');

  let url = `${input.protocol}://${host}${canonicalUri(input.path)}?${query}&X-Amz-Signature=${signature}`;
  // IoT: the token is not signed but must still travel in the URL, after the signature.
  if (token && !input.signSessionToken) url += `&X-Amz-Security-Token=${rfc3986(token)}`;
  return { url, canonicalRequest, stringToSign, signature };
}

export function presignUrl(input: PresignInput): string {
  return presignUrlDetailed(input).url;
}

export interface IotPresignInput {
  /** wss://host/mqtt (AWS) or ws://127.0.0.1:port/mqtt (loopback simulator). */
  url: string;
  credentials: AwsCredentials;
  date?: Date;
  region?: string;
  service?: string;
}

/** Presigned WebSocket URL for the AWS IoT MQTT endpoint (§2.2 of the protocol reference). */
export function presignIotWebSocketUrl(input: IotPresignInput): string {
  const parsed = new URL(input.url);
  return presignUrl({
    method: 'GET',
    protocol: parsed.protocol.replace(/:$/, ''),
    // URL drops default ports (443 for wss, 80 for ws), so host carries a port only when needed.
    host: parsed.host,
    path: parsed.pathname || '/mqtt',
    region: input.region ?? AWS_REGION,
    service: input.service ?? AWS_IOT_SERVICE,
    credentials: input.credentials,
    date: input.date ?? new Date(),
  });
}
