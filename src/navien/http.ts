import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { backoffDelay } from './backoff';
import { REQUEST_TIMEOUT_MS } from './constants';
import { NavienError } from './errors';
import { parseResponse, transportError } from './http-response';
import { silentLogger, type Logger } from './types';

export { NavienHttpError, parseRetryAfter } from './http-response';

/** One call to the Navien REST API (NAVIEN-PROTOCOL.md §1.1). */
export interface NavienRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path below the base URL, e.g. "/device/list". */
  path: string;
  body?: object;
  query?: Record<string, string | number | boolean | null | undefined>;
  /** Raw access token for the `authorization` header (no "Bearer"). */
  token?: string;
  signal?: AbortSignal;
}

export interface NavienHttpOptions {
  baseUrl: string;
  timeoutMs?: number;
  logger?: Logger;
  /** Total tries for 429 / 5xx / network failures (default 3). */
  maxAttempts?: number;
  /** Longest Retry-After we sit out inside one request; longer ones fail at once (default 5 min). */
  maxRetryWaitMs?: number;
  /** First backoff step; doubled per attempt, jittered ×0.5–1.5, at most 30 s (default 1 s). */
  baseBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const MAX_BACKOFF_MS = 30_000;

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Thin, polite JSON client for the Navien REST API: envelope checking, error mapping to
 * NavienError, and retries with backoff for 429 / 5xx / network failures. Knows nothing about
 * tokens beyond putting one in a header.
 */
export class NavienHttp {
  readonly baseUrl: string;
  /** Counters for diagnostics: attempts sent, retries among them, requests that failed. */
  readonly stats = { requests: 0, retries: 0, failures: 0 };
  private readonly client: AxiosInstance;
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly maxRetryWaitMs: number;
  private readonly baseBackoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: NavienHttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.logger = opts.logger ?? silentLogger;
    this.maxAttempts = Math.max(1, opts.maxAttempts ?? 3);
    this.maxRetryWaitMs = opts.maxRetryWaitMs ?? 5 * 60_000;
    this.baseBackoffMs = opts.baseBackoffMs ?? 1000;
    this.sleep = opts.sleep ?? defaultSleep;
    this.random = opts.random ?? Math.random;
    this.client = axios.create({
      baseURL: this.baseUrl,
      timeout: opts.timeoutMs ?? REQUEST_TIMEOUT_MS,
      // We read status and body ourselves; a proxy from the environment must not reroute us.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      proxy: false,
      maxRedirects: 0,
    });
  }

  /** Sends the request and returns the envelope's `data`, or throws a NavienError. */
  async request<T>(req: NavienRequest): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      throwIfAborted(req.signal, req);
      this.stats.requests++;
      if (attempt > 1) this.stats.retries++;
      try {
        return await this.once<T>(req);
      } catch (err) {
        const error = err as NavienError;
        const wait = this.retryDelay(error, attempt);
        if (wait === undefined || wait > this.maxRetryWaitMs) this.stats.failures++;
        if (wait === undefined) throw error;
        if (wait > this.maxRetryWaitMs) {
          throw withRetryAfter(error, wait);
        }
        this.logger.debug(
          `Navien ${req.method} ${req.path} failed (${error.code}); retry ${attempt + 1}/${this.maxAttempts} in ${Math.round(wait)} ms`,
        );
        await abortableSleep(this.sleep(wait), req);
      }
    }
  }

  /** Delay before the next attempt, or undefined when this error must not be retried. */
  private retryDelay(error: NavienError, attempt: number): number | undefined {
    if (attempt >= this.maxAttempts) return undefined;
    const status = error.httpStatus ?? error.apiCode ?? 0;
    const retriable =
      error.code === 'NAVIEN_NETWORK' ||
      error.code === 'NAVIEN_RATE_LIMITED' ||
      (error.code === 'NAVIEN_API_ERROR' && status >= 500 && status <= 599);
    if (!retriable) return undefined;
    if (error.retryAfterMs !== undefined) return error.retryAfterMs;
    return backoffDelay(
      { baseMs: this.baseBackoffMs, capMs: MAX_BACKOFF_MS },
      attempt - 1,
      this.random,
    );
  }

  private async once<T>(req: NavienRequest): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'node-red-contrib-navien',
    };
    if (req.token) headers.authorization = req.token;
    let response: AxiosResponse<string>;
    try {
      response = await this.client.request<string>({
        method: req.method,
        url: req.path,
        headers,
        params: req.query ? dropNullish(req.query) : undefined,
        data: req.body ? dropNullish(req.body) : undefined,
        signal: req.signal,
      });
    } catch (err) {
      throw transportError(err, req);
    }
    return parseResponse<T>(response, req);
  }
}

/** The Navien library drops null/undefined keys before sending (§1.1). */
export function dropNullish<T extends object>(input: T): Partial<T> {
  if (Array.isArray(input)) return input;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as Partial<T>;
}

function withRetryAfter(error: NavienError, retryAfterMs: number): NavienError {
  return new NavienError(
    error.code,
    `${error.message} (server asks to wait ${Math.ceil(retryAfterMs / 1000)} s)`,
    {
      retriable: true,
      apiCode: error.apiCode,
      httpStatus: error.httpStatus,
      retryAfterMs,
    },
  );
}

function cancelled(req: NavienRequest): NavienError {
  return new NavienError(
    'NAVIEN_CANCELLED',
    `Navien request ${req.method} ${req.path} was cancelled`,
  );
}

function throwIfAborted(signal: AbortSignal | undefined, req: NavienRequest): void {
  if (signal?.aborted) throw cancelled(req);
}

/** Waits for `sleeping` unless the request's signal aborts first. */
async function abortableSleep(sleeping: Promise<void>, req: NavienRequest): Promise<void> {
  const signal = req.signal;
  if (!signal) return sleeping;
  throwIfAborted(signal, req);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(cancelled(req));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleeping, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}
