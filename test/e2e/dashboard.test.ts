// The demo's Dashboard 2 page and the Tank card example in a real browser (Debian's Chromium
// driven by playwright-core): the widgets show the simulator's values, the set-point slider
// reaches the simulated heater, and an error code shows the card's banner.
// Screenshots go to test-artifacts/dashboard/ (gitignored).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { decodeStatus } from '../../src/navien/decode/status';
import { decodeRawSchedule } from '../../src/navien/program/schedule';
import { programsOf, startSimulator, type Simulator } from '../../src/simulator';
import { DemoProcess } from '../support/demo-process';
import { delay, type FlowNode } from '../support/nodered-runtime';
import { openBrowser, requireChromium, type Browser } from '../support/chromium';
import { repoRoot } from '../support/packing';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'dashboard');
const TANK_CARD = join(repoRoot, 'examples', '18 - Tank card.json');
/** The heater the demo's control node drives (the simulator's first). */
const CONTROLLED = 'a4c1382f0000';
const LEAK = 799;

/** What the heater reports right now, decoded in °F as the dashboard shows it. */
function nowInF(sim: Simulator, mac: string): Record<string, unknown> {
  const heater = sim.heaters.get(mac);
  if (!heater) throw new Error(`no simulated heater ${mac}`);
  return decodeStatus(heater.status(), {
    units: 'F',
  });
}

/** How the program widget writes an entry's days. */
function daysText(days: string[]): string {
  if (days.length === 7) return 'every day';
  if (days.join() === 'Monday,Tuesday,Wednesday,Thursday,Friday') return 'weekdays';
  if (days.join() === 'Saturday,Sunday') return 'weekend';
  return days.map((d) => d.slice(0, 3)).join(', ');
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(200);
  }
}

describe('e2e: the demo dashboard and the Tank card in a real browser (Chromium)', function () {
  this.timeout(300_000);
  let sim: Simulator | undefined;
  let demo: DemoProcess | undefined;
  let browser: Browser | undefined;
  /** Page errors and blocked non-loopback requests. */
  const pageErrors = (): string[] => browser?.problems ?? [];

  const p = (): Page => {
    if (!browser) throw new Error('browser did not start');
    return browser.page;
  };
  const s = (): Simulator => {
    if (!sim) throw new Error('simulator did not start');
    return sim;
  };
  const d = (): DemoProcess => {
    if (!demo) throw new Error('demo did not start');
    return demo;
  };

  before(async function () {
    requireChromium(this);
    mkdirSync(ARTIFACTS, { recursive: true });
    // Speed 0 freezes the simulated heaters, so the page and the heater can be compared exactly;
    // errorCode is the simulator's --error-code (on the first heater).
    sim = await startSimulator({
      host: '127.0.0.1',
      devices: 2,
      speed: 0,
      faults: { errorCode: LEAK },
    });
    demo = await DemoProcess.start({
      env: { NAVIEN_DEMO_API_URL: sim.apiUrl, NAVIEN_DEMO_MQTT_URL: sim.mqttUrl },
    });
    browser = await openBrowser({
      profile: 'chromium-dashboard',
      viewport: { width: 1280, height: 1000 },
      // The editor's palette manager asks for the node catalogue; without it the editor still
      // works (the demo needs no network), so that one is blocked without complaint.
      quietlyBlocked: ['catalogue.nodered.org'],
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && browser) {
      const name = (this.currentTest.title.split(' ').slice(0, 3).join('-') || 'failed').replace(
        /[^\w-]/g,
        '',
      );
      await browser.page.screenshot({
        path: join(ARTIFACTS, `failed-${name}.png`),
        fullPage: true,
      });
      console.log(
        demo?.logs
          .split('\n')
          .filter((l) => !l.startsWith('[simulator]'))
          .slice(-30)
          .join('\n'),
      );
    }
  });

  after(async function () {
    await browser?.close();
    await demo?.kill();
    await sim?.close();
  });

  it('shows one tank card per heater with the simulator’s values, the charts and today’s energy', async function () {
    await p().goto(`${d().baseUrl}/dashboard`, { waitUntil: 'domcontentloaded' });
    const cards = p().locator('.navien-card');
    await cards.nth(1).waitFor({ timeout: 60_000 });
    assert.equal(await cards.count(), s().heaters.size, 'one card per heater');
    for (const mac of s().heaters.keys()) {
      const card = p().locator(`.navien-card[data-mac="${mac}"]`);
      const now = nowInF(s(), mac);
      assert.equal(
        await card.locator('.navien-temp').innerText(),
        `${String(now.dhwTemperature)} °F`,
      );
      assert.equal(
        await card.locator('.navien-charge').innerText(),
        `${Math.round(Number(now.dhwChargePer))} %`,
      );
      assert.equal(
        await card.locator('.navien-mode').innerText(),
        String(now.dhwOperationSettingName).replace(/-/g, ' '),
      );
      assert.equal(
        await card.locator('.navien-name').innerText(),
        s().heaters.get(mac)?.deviceName,
      );
      const banner = card.locator('.navien-error');
      if (Number(now.errorCode) > 0) {
        assert.equal((await banner.innerText()).trim(), String(now.errorText));
      } else {
        assert.equal(await banner.count(), 0, `${mac} shows an error banner without an error`);
      }
    }
    for (const chart of ['demo-dash-temp', 'demo-dash-power'])
      await p().locator(`#nrdb-ui-widget-${chart} canvas`).first().waitFor({ timeout: 10_000 });
    const energy = p().locator('.demo-demo-dash-energy-text');
    await p().waitForFunction(
      () => /kWh/.test(document.querySelector('.demo-demo-dash-energy-text')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    assert.match(await energy.innerText(), /heat pump [\d.]+ kWh, elements [\d.]+ kWh/);
    await p().screenshot({ path: join(ARTIFACTS, 'demo-dashboard.png'), fullPage: true });
    assert.deepEqual(pageErrors(), []);
  });

  it('shows each heater’s weekly program as the simulator holds it, and the last events', async function () {
    for (const [mac, heater] of s().heaters) {
      const held = decodeRawSchedule(programsOf(heater).schedule, 'F');
      const widget = p().locator(`.navien-program[data-mac="${mac}"]`);
      await widget.waitFor({ timeout: 60_000 });
      assert.equal(await widget.locator('.navien-program-name').innerText(), heater.deviceName);
      assert.equal(
        await widget.locator('.navien-program-state').innerText(),
        held.enabled ? 'program on' : 'program off',
      );
      const rows = widget.locator('.navien-program-entry');
      assert.ok(held.entries.length > 0, 'the simulator holds a sample program');
      assert.equal(await rows.count(), held.entries.length);
      for (const [i, entry] of held.entries.entries()) {
        const cells = (await rows.nth(i).locator('td').allInnerTexts()).map((c) => c.trim());
        assert.deepEqual(cells, [
          daysText(entry.days),
          entry.time,
          String(entry.mode).replace(/-/g, ' '),
          entry.temperature === null ? '—' : `${entry.temperature} °F`,
        ]);
      }
    }
    const events = p().locator('.navien-event');
    await events.first().waitFor({ timeout: 60_000 });
    const count = await events.count();
    assert.ok(count >= 1 && count <= 10, `${count} event lines`);
    const names = [...s().heaters.values()].map((h) => h.deviceName);
    assert.ok(names.includes(await events.first().locator('.navien-event-heater').innerText()));
    assert.match(await events.first().locator('.navien-event-name').innerText(), /\w/);
    await p().screenshot({
      path: join(ARTIFACTS, 'demo-dashboard-program-events.png'),
      fullPage: true,
    });
    assert.deepEqual(pageErrors(), []);
  });

  it('the editor opens with no first-run prompt over the canvas', async function () {
    // The editor asks about usage data and update notifications while telemetryEnabled is
    // undefined, and offers the welcome tour unless tours are off.
    const settings = (await (await fetch(`${d().baseUrl}/settings`)).json()) as {
      telemetryEnabled?: boolean;
      editorTheme?: { tours?: boolean };
    };
    assert.equal(settings.telemetryEnabled, false);
    assert.equal(settings.editorTheme?.tours, false);
    await p().goto(d().baseUrl, { waitUntil: 'domcontentloaded' });
    await p().waitForSelector('.red-ui-palette-node[data-palette-type="navien-status"]', {
      timeout: 60_000,
    });
    await delay(2000);
    assert.equal(await p().locator('.red-ui-popover:visible').count(), 0, 'a prompt is open');
    await p().screenshot({ path: join(ARTIFACTS, 'demo-editor.png') });
    await p().goto(`${d().baseUrl}/dashboard`, { waitUntil: 'domcontentloaded' });
  });

  it('the set-point slider writes to the simulated heater and shows the confirmed write', async function () {
    const before = Math.round(Number(nowInF(s(), CONTROLLED).dhwTemperatureSetting));
    const target = before >= 140 ? before - 5 : before + 5;
    const field = p().locator(
      '.demo-setpoint input[type="number"], .demo-setpoint input[type="text"]',
    );
    await field.first().fill(String(target));
    await field.first().press('Enter');
    await field.first().blur();
    await waitUntil(
      // The heater stores half °C: 135 °F comes back as 134.6 °F.
      () => Math.round(Number(nowInF(s(), CONTROLLED).dhwTemperatureSetting)) === target,
      `the heater's set-point to become ${target} °F`,
    );
    const confirmed = p().locator('.demo-demo-dash-confirmed-text');
    await p().waitForFunction(
      (t) =>
        (document.querySelector('.demo-demo-dash-confirmed-text')?.textContent ?? '').includes(
          `set-point ${t} °F`,
        ),
      target,
      { timeout: 30_000 },
    );
    assert.match(await confirmed.innerText(), /confirmed/);
    await p().screenshot({
      path: join(ARTIFACTS, 'demo-dashboard-after-write.png'),
      fullPage: true,
    });
  });

  it('the Tank card example, deployed with the simulator’s --error-code, shows the error banner', async function () {
    // The example as a user imports it into this Node-RED: its account is the demo's, its page
    // joins the demo's dashboard (one ui-base per path).
    const example = JSON.parse(readFileSync(TANK_CARD, 'utf8')) as FlowNode[];
    const tab = 'tank-card-example';
    const nodes = example
      .filter((n) => !['navien-account', 'ui-base', 'ui-theme'].includes(n.type))
      .map((n) => {
        const node: FlowNode = { ...n };
        if (typeof node.account === 'string') node.account = 'demo-account';
        if (node.type === 'ui-page')
          Object.assign(node, { ui: 'demo-dash-base', theme: 'demo-dash-theme' });
        if (node.type === 'ui-event') node.ui = 'demo-dash-base';
        if ('wires' in node) node.z = tab;
        return node;
      });
    const res = await fetch(`${d().baseUrl}/flows`);
    const current = (await res.json()) as FlowNode[];
    const deploy = await fetch(`${d().baseUrl}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify([...current, { id: tab, type: 'tab', label: 'Tank card' }, ...nodes]),
    });
    assert.ok(deploy.status === 204 || deploy.status === 200, `deploy: HTTP ${deploy.status}`);
    await p().goto(`${d().baseUrl}/dashboard/tank`, { waitUntil: 'domcontentloaded' });
    const broken = p().locator(`.navien-card[data-mac="${CONTROLLED}"]`);
    await broken.locator('.navien-error').waitFor({ timeout: 60_000 });
    const now = nowInF(s(), CONTROLLED);
    assert.equal(Number(now.errorCode), LEAK);
    assert.equal((await broken.locator('.navien-error').innerText()).trim(), String(now.errorText));
    assert.match(String(now.errorText), /799/);
    await p().locator('.navien-card').nth(1).waitFor({ timeout: 30_000 });
    await p().screenshot({ path: join(ARTIFACTS, 'tank-card-error.png'), fullPage: true });
    assert.deepEqual(pageErrors(), []);
    assert.doesNotMatch(d().logs, /\[error\]/, 'Node-RED logged an error');
  });
  it('the Tank card follows a dark dashboard theme: light text on the dark group background', async function () {
    const flows = (await (await fetch(`${d().baseUrl}/flows`)).json()) as FlowNode[];
    const dark = flows.map((n) =>
      n.id === 'demo-dash-theme'
        ? {
            ...n,
            colors: {
              ...(n.colors as Record<string, string>),
              surface: '#1e1e1e',
              bgPage: '#121212',
              groupBg: '#1e1e1e',
              groupOutline: '#333333',
            },
          }
        : n,
    );
    const deploy = await fetch(`${d().baseUrl}/flows`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(dark),
    });
    assert.ok(deploy.status === 204 || deploy.status === 200, `deploy: HTTP ${deploy.status}`);
    await p().goto(`${d().baseUrl}/dashboard`, { waitUntil: 'domcontentloaded' });
    const card = p().locator(`.navien-card[data-mac="${CONTROLLED}"]`);
    await card.locator('.navien-temp').waitFor({ timeout: 60_000 });
    /** WCAG relative luminance of a CSS rgb()/rgba() colour. */
    const colours = async (): Promise<{ card: string; text: string; temp: string }> =>
      card.evaluate((el) => {
        const temp = el.querySelector('.navien-temp');
        return {
          card: getComputedStyle(el).backgroundColor,
          text: getComputedStyle(el).color,
          temp: temp ? getComputedStyle(temp).color : '',
        };
      });
    const luminance = (css: string): number => {
      const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
        const c = Number(v) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const contrast = (a: string, b: string): number => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
    };
    // The theme reaches the page over the dashboard's socket, after the first paint.
    await p().waitForFunction(
      (mac) => {
        const el = document.querySelector(`.navien-card[data-mac="${mac}"]`);
        const m = el ? getComputedStyle(el).backgroundColor.match(/[\d.]+/g) : null;
        return !!m && Number(m[0]) < 80 && Number(m[1]) < 80 && Number(m[2]) < 80;
      },
      CONTROLLED,
      { timeout: 30_000 },
    );
    const c = await colours();
    await p().screenshot({ path: join(ARTIFACTS, 'tank-card-dark.png'), fullPage: true });
    assert.ok(luminance(c.card) < 0.05, `the card is not dark: ${c.card}`);
    assert.ok(contrast(c.text, c.card) >= 7, `text ${c.text} on ${c.card}`);
    assert.ok(contrast(c.temp, c.card) >= 7, `temperature ${c.temp} on ${c.card}`);
    assert.deepEqual(pageErrors(), []);
  });
});
