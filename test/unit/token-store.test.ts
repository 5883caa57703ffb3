import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileTokenStore, MemoryTokenStore } from '../../src/navien/token-store';
import type { SessionTokens } from '../../src/navien/types';

const sample: SessionTokens = {
  accessToken: 'acc-1',
  refreshToken: 'ref-1',
  idToken: 'id-1',
  authenticationExpiresIn: 3600,
  accessKeyId: 'ASIAEXAMPLE',
  secretKey: 'secret',
  sessionToken: 'sts',
  authorizationExpiresIn: 3600,
  issuedAt: 1_700_000_000_000,
  awsIssuedAt: 1_699_999_000_000,
  userType: 'O',
};

describe('token stores', function () {
  let dir: string;

  beforeEach(async function () {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'navien-tokens-'));
  });

  afterEach(async function () {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('MemoryTokenStore keeps a copy', async function () {
    const store = new MemoryTokenStore();
    assert.equal(await store.load(), undefined);
    await store.save(sample);
    assert.deepEqual(await store.load(), sample);
    await store.clear();
    assert.equal(await store.load(), undefined);
  });

  it('FileTokenStore round-trips tokens with their receipt times', async function () {
    const store = new FileTokenStore(path.join(dir, 'sub'), 'Dana@Example.com', 'http://x/api');
    assert.equal(await store.load(), undefined);
    await store.save(sample);
    const again = new FileTokenStore(path.join(dir, 'sub'), 'dana@example.com', 'http://x/api');
    assert.deepEqual(await again.load(), sample);
  });

  it('writes a 0600 file in a 0700 directory, named without the e-mail, no temp files left', async function () {
    const sub = path.join(dir, 'store');
    const store = new FileTokenStore(sub, 'dana@example.com', 'http://x/api');
    await store.save(sample);
    await store.save({ ...sample, accessToken: 'acc-2' });
    const files = await fs.readdir(sub);
    assert.equal(files.length, 1);
    assert.doesNotMatch(files[0], /dana|example/i);
    assert.equal((await fs.stat(store.filePath)).mode & 0o777, 0o600);
    assert.equal((await fs.stat(sub)).mode & 0o777, 0o700);
    const content = await fs.readFile(store.filePath, 'utf8');
    assert.doesNotMatch(content, /dana@example\.com/);
  });

  it('keeps accounts and API URLs apart', async function () {
    const a = new FileTokenStore(dir, 'a@example.com', 'http://x/api');
    const b = new FileTokenStore(dir, 'b@example.com', 'http://x/api');
    const c = new FileTokenStore(dir, 'a@example.com', 'http://y/api');
    assert.notEqual(a.filePath, b.filePath);
    assert.notEqual(a.filePath, c.filePath);
    await a.save(sample);
    assert.equal(await b.load(), undefined);
    assert.equal(await c.load(), undefined);
  });

  it('ignores a file bound to another e-mail even at its own path', async function () {
    const a = new FileTokenStore(dir, 'a@example.com', 'http://x/api');
    const b = new FileTokenStore(dir, 'b@example.com', 'http://x/api');
    await a.save(sample);
    await fs.copyFile(a.filePath, b.filePath);
    assert.equal(await b.load(), undefined);
  });

  it('treats a corrupt file as empty and overwrites it on the next save', async function () {
    const store = new FileTokenStore(dir, 'a@example.com', 'http://x/api');
    await fs.writeFile(store.filePath, '{"version":1,"emailHa');
    assert.equal(await store.load(), undefined);
    await fs.writeFile(store.filePath, JSON.stringify({ version: 1, tokens: 'nope' }));
    assert.equal(await store.load(), undefined);
    await store.save(sample);
    assert.deepEqual(await store.load(), sample);
  });

  it('clear() removes the file and tolerates a missing one', async function () {
    const store = new FileTokenStore(dir, 'a@example.com', 'http://x/api');
    await store.clear();
    await store.save(sample);
    await store.clear();
    assert.equal(await store.load(), undefined);
    await assert.rejects(fs.stat(store.filePath));
  });
});
