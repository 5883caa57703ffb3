// The PACKED package installed into a real Node-RED 4.1 (the devDependency), as a user gets
// it from the palette manager, driven over the admin API against the loopback simulator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { defineLoadChecks } from '../support/load-checks';
import { NodeRedRuntime, type CommsClient } from '../support/nodered-runtime';
import { ACCOUNT_ID, accountNode } from '../support/smoke-flows';

describe('e2e: packed package in a real Node-RED 4.1', function () {
  this.timeout(240_000);
  let sim: Simulator | undefined;
  let runtime: NodeRedRuntime | undefined;
  let comms: CommsClient | undefined;

  before(async function () {
    sim = await startSimulator({ host: '127.0.0.1', devices: 2 });
    runtime = await NodeRedRuntime.start();
    comms = await runtime.comms();
  });

  after(async function () {
    comms?.close();
    await runtime?.stop();
    await sim?.close();
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };

  defineLoadChecks({
    runtime: () => need(runtime, 'Node-RED'),
    sim: () => need(sim, 'simulator'),
    comms: () => need(comms, '/comms'),
  });

  it('serves the shared editor script every node HTML loads (resources/ is packed)', async function () {
    const r = need(runtime, 'Node-RED');
    const html = (await r.get('/nodes', 'text/html')).body;
    const sources = [
      ...new Set([...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1] ?? '')),
    ].filter((src) => src.startsWith('resources/node-red-contrib-navien/'));
    assert.ok(
      sources.includes('resources/node-red-contrib-navien/navien-editor.js'),
      `the node HTML does not load the shared editor script (loads: ${sources.join(', ')})`,
    );
    for (const src of sources) {
      const res = await r.get(`/${src}`, '*/*');
      assert.equal(res.status, 200, `${src}: HTTP ${res.status}`);
      assert.match(res.contentType, /javascript/, `${src}: served as ${res.contentType}`);
      assert.match(res.body, /RED\.navien = /, `${src}: not the shared helper`);
    }
  });

  describe('secret hygiene', function () {
    it('GET /flows returns has_password, never the password', async function () {
      const r = need(runtime, 'Node-RED');
      const res = await r.get('/flows');
      assert.equal(res.status, 200);
      const password = need(sim, 'simulator').password;
      assert.ok(!res.body.includes(password), 'password in GET /flows');
      const creds = await r.getJson<{ has_password?: boolean; password?: string }>(
        `/credentials/navien-account/${ACCOUNT_ID}`,
      );
      assert.equal(creds.has_password, true);
      assert.equal(creds.password, undefined);
    });

    it('the stored flows_cred file is encrypted', function () {
      const r = need(runtime, 'Node-RED');
      const stored = readFileSync(join(r.userDir, 'flows_cred.json'), 'utf8');
      assert.ok(!stored.includes(need(sim, 'simulator').password));
      assert.match(stored, /"\$":/);
    });

    it('the password appears neither in Node-RED logs nor in debug/status messages', function () {
      const password = need(sim, 'simulator').password;
      assert.ok(!need(runtime, 'Node-RED').logs.includes(password), 'password in the Node-RED log');
      const c = need(comms, '/comms');
      assert.ok(c.debug.length > 0, 'no debug messages were captured (smoke flows did not run?)');
      assert.ok(!c.raw.some((m) => m.includes(password)), 'password in a /comms message');
    });

    it('a redeploy that keeps the account keeps its stored credentials', async function () {
      const r = need(runtime, 'Node-RED');
      const account = accountNode(need(sim, 'simulator'));
      delete account.credentials;
      await r.deploy([account]);
      const creds = await r.getJson<{ has_password?: boolean }>(
        `/credentials/navien-account/${ACCOUNT_ID}`,
      );
      assert.equal(creds.has_password, true);
    });
  });
});
