/**
 * Redaction for diagnostics: the snapshot is built from an allow-list of fields, and the few
 * free texts it carries (error messages, MQTT topics) pass through here first, so a MAC, an
 * e-mail address or anything shaped like a token can never ride along inside them.
 */

/** Longest text kept from one message; bug reports need the gist, not a megabyte of input. */
export const MAX_TEXT = 300;

/** 12 hex digits, bare or in pairs split by ':' / '-' (every spelling normalizeMac accepts). */
const MAC = /\b[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}\b/gi;
const EMAIL = /[^\s@"'<>()[\]{},;:]+@[^\s@"'<>()[\]{},;:]+/g;
/**
 * Long runs of token alphabet (JWT parts, AWS keys, refresh tokens). Dots and slashes end a
 * run, so host names, paths and MQTT topics stay readable; error codes (NAVIEN_…) and long
 * kebab-case words are kept.
 */
const TOKEN_LIKE = /[A-Za-z0-9_+=-]{20,}/g;
const WORDS = /^(?:[A-Z_]+|[a-z-]+)$/;

/** "a4c1382f09be" → "********09be": enough to tell heaters apart in a report, not to address one. */
export function maskMac(mac: string): string {
  const hex = mac.replace(/[^0-9a-f]/gi, '').toLowerCase();
  return `********${hex.slice(-4)}`;
}

/** A free text with MACs masked, e-mail addresses and token-like strings removed, cut to `max`. */
export function redactText(text: string, max = MAX_TEXT): string {
  const cleaned = text
    .replace(EMAIL, '<e-mail>')
    .replace(MAC, maskMac)
    .replace(TOKEN_LIKE, (run) => (WORDS.test(run) ? run : '<redacted>'));
  return cleaned.length <= max ? cleaned : `${cleaned.slice(0, max)}…`;
}
