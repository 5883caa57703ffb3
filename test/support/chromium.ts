/**
 * The browser tests' one way to open Debian's Chromium (driven by playwright-core): headless,
 * its own throw-away profile, and no network beyond loopback, so a page that reaches for the
 * internet shows up as a problem instead of a slow or flaky test.
 */
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeTempDir, removeTempDir } from './packing';
import { skipUnlessCi } from './skip-unless-ci';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export interface BrowserOptions {
  /** Name of the temporary profile directory. */
  profile: string;
  viewport: { width: number; height: number };
  /** Chromium switches beyond the headless, offline defaults. */
  extraArgs?: string[];
  /** Also count the page's console.error lines as problems (with the script's URL). */
  consoleErrors?: boolean;
  /** Hosts blocked without counting as a problem (a request the page may make and do without). */
  quietlyBlocked?: string[];
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Page errors, blocked non-loopback requests and (if asked) console errors, in order. */
  readonly problems: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** In a mocha `before`: skips the suite locally (fails it on CI) when Chromium is missing. */
export function requireChromium(ctx: Mocha.Context): void {
  if (!existsSync(CHROMIUM)) {
    skipUnlessCi(ctx, `${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`);
  }
}

export async function openBrowser(opts: BrowserOptions): Promise<Browser> {
  const profileDir = makeTempDir(opts.profile);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        ...(opts.extraArgs ?? []),
      ],
      viewport: opts.viewport,
    });
  } catch (err) {
    removeTempDir(profileDir);
    throw err;
  }
  const problems: string[] = [];
  const page = context.pages()[0] ?? (await context.newPage());
  if (opts.consoleErrors) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`${msg.text()} (${msg.location().url})`);
    });
  }
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  const quiet = new Set(opts.quietlyBlocked ?? []);
  // Everything the page loads must come from the Node-RED under test on loopback.
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') {
      return route.continue();
    }
    if (!quiet.has(url.hostname)) problems.push(`blocked non-loopback request: ${url.href}`);
    return route.abort();
  });
  return {
    context,
    page,
    problems,
    async close() {
      try {
        await context.close();
      } finally {
        removeTempDir(profileDir);
      }
    },
  };
}
