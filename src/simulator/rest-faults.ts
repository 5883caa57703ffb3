/** Injectable faults of the REST simulator: error statuses, HTML pages, broken JSON, delays. */
import type http from 'node:http';

export interface RestFault {
  /** HTTP status to answer with (default 200 when only bodyCode is set, else 500). */
  status?: number;
  /** Envelope `code` (defaults to status). */
  bodyCode?: number;
  /** Answer with an HTML error page. */
  html?: boolean;
  /** Answer with a truncated JSON body. */
  invalidJson?: boolean;
  /** Wait before answering (alone: then answer normally). */
  delayMs?: number;
  /** Value of a Retry-After header. */
  retryAfter?: string;
  /** How many requests the fault hits (default: until cleared). */
  times?: number;
}

type ArmedFault = RestFault & { remaining: number };

export class FaultStore {
  private readonly faults = new Map<string, ArmedFault>();

  /** `path` below the prefix (e.g. "/device/list"), or "*" for every path. */
  set(path: string, fault: RestFault | null): void {
    if (fault === null) this.faults.delete(path);
    else this.faults.set(path, { ...fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  /** The fault that hits this request, counting it down. */
  take(path: string): RestFault | undefined {
    const fault = this.faults.get(path) ?? this.faults.get('*');
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining <= 0) {
      for (const [key, value] of this.faults) if (value === fault) this.faults.delete(key);
    }
    return fault;
  }
}

/** Whether the fault only delays the request, which is then answered normally. */
export function onlyDelays(fault: RestFault): boolean {
  return (
    fault.status === undefined && fault.bodyCode === undefined && !fault.html && !fault.invalidJson
  );
}

/** Answers with the fault; returns the HTTP status sent. */
export function writeFault(res: http.ServerResponse, fault: RestFault): number {
  const status = fault.status ?? (fault.bodyCode !== undefined ? 200 : 500);
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  if (fault.html) {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
    res.end(
      `<!DOCTYPE html><html><head><title>${status} Error</title></head><body><h1>${status}</h1><p>The server is temporarily unable to service your request.</p></body></html>`,
    );
    return status;
  }
  if (fault.invalidJson) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end('{"code":200,"msg":"SUCC');
    return status;
  }
  const code = fault.bodyCode ?? status;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ code, msg: code === 429 ? 'TOO_MANY_REQUESTS' : 'ERROR' }));
  return status;
}
