/**
 * The errors users were shown, kept per account so a bug report can carry the last few. Every
 * entry is redacted when it is recorded: the log never holds a MAC, e-mail or token to leak.
 */
import { redactText } from './redact';

/** How many errors a report carries per account. */
export const ERROR_LOG_SIZE = 20;

export interface LoggedError {
  /** ISO time the error was reported. */
  at: string;
  code: string;
  /** The node that reported it: its type and id (never its name, which users write freely). */
  node: string;
  message: string;
}

export interface ErrorReport {
  code: string;
  message: string;
  nodeType: string;
  nodeId: string;
}

export class ErrorLog {
  private readonly rings = new Map<string, LoggedError[]>();

  constructor(
    private readonly size = ERROR_LOG_SIZE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers an error reported by a node of account `accountId` (oldest dropped beyond `size`). */
  record(accountId: string, report: ErrorReport): void {
    let ring = this.rings.get(accountId);
    if (!ring) {
      ring = [];
      this.rings.set(accountId, ring);
    }
    ring.push({
      at: new Date(this.now()).toISOString(),
      code: redactText(report.code, 40),
      node: redactText(`${report.nodeType} ${report.nodeId}`, 80),
      message: redactText(report.message),
    });
    if (ring.length > this.size) ring.splice(0, ring.length - this.size);
  }

  /** The account's latest errors, oldest first (copies). */
  recent(accountId: string): LoggedError[] {
    return (this.rings.get(accountId) ?? []).map((e) => ({ ...e }));
  }
}
