// Minimal typings for `semver` (present in node_modules through npm-installed tooling; no
// @types/semver in devDependencies). Only what the e2e tests use.
declare module 'semver' {
  export interface SemVer {
    version: string;
  }
  export function satisfies(
    version: string,
    range: string,
    options?: { includePrerelease?: boolean },
  ): boolean;
  export function minVersion(range: string): SemVer | null;
  export function valid(version: string): string | null;
  export function coerce(version: string): SemVer | null;
}
