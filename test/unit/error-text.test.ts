import assert from 'node:assert/strict';
import {
  NavienError,
  describeError,
  errorText,
  excerpt,
  quoteInput,
  redactSecrets,
  toNavienError,
} from '../../src/navien/errors';

describe('error text (the one rule for what an error may say)', function () {
  it('NavienError reads "Navien: …" where Node-RED prints name and message', function () {
    const err = new NavienError('NAVIEN_INVALID_INPUT', 'msg.payload must be an object');
    assert.equal(err.name, 'Navien');
    assert.equal(String(err), 'Navien: msg.payload must be an object');
    assert.deepEqual(err.toJSON(), {
      code: 'NAVIEN_INVALID_INPUT',
      message: 'msg.payload must be an object',
      retriable: false,
    });
  });

  it('quoteInput quotes short values whole and long ones as a marked 40-character excerpt', function () {
    assert.equal(quoteInput('hot'), '"hot"');
    assert.equal(quoteInput('a"b\nc'), '"a\\"b\\nc"');
    assert.equal(quoteInput(42), '42');
    assert.equal(quoteInput(Number.NaN), 'NaN');
    assert.equal(quoteInput(true), 'true');
    assert.equal(quoteInput(null), 'null');
    assert.equal(quoteInput(undefined), 'undefined');
    assert.equal(quoteInput({ a: 1 }), '{"a":1}');
    const huge = 'x'.repeat(1024 * 1024);
    assert.equal(quoteInput(huge), `"${'x'.repeat(40)}…" (1048576 chars)`);
    const big = quoteInput({ t: huge });
    assert.ok(big.length < 80, big);
    assert.match(big, /^\{"t":"x+… \(1048584 chars\)$/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(quoteInput(cyclic), '[object Object]');
    assert.equal(quoteInput(10n), '[object BigInt]');
  });

  it('excerpt cuts unquoted text the same way', function () {
    assert.equal(excerpt('temperature'), 'temperature');
    assert.equal(excerpt('k'.repeat(100)), `${'k'.repeat(40)}… (100 chars)`);
  });

  it('keeps the message of an unknown error, without URL queries or token-like runs, bounded', function () {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const url = 'wss://a1b2.iot.us-east-1.amazonaws.com/mqtt?X-Amz-Security-Token=SECRET123&x=1';
    const text = errorText(new Error(`refused ${url} with token ${jwt}`));
    assert.ok(!text.includes('SECRET123'), text);
    assert.ok(!text.includes(jwt.slice(0, 20)), text);
    assert.match(text, /^refused wss:\/\/a1b2\.iot\.us-east-1\.amazonaws\.com\/mqtt\?… with token/);
    assert.equal(errorText(new Error('connack timeout')), 'connack timeout');
    assert.equal(errorText('plain string'), 'plain string');
    assert.equal(errorText(undefined), 'Unexpected failure while talking to Navien');
    assert.equal(errorText(new Error('')), 'Unexpected failure while talking to Navien');
    const long = errorText(new Error('word '.repeat(200_000)));
    assert.ok(long.length < 400, `${long.length}`);
    assert.match(long, /… \(1000000 chars\)$/);
    assert.equal(redactSecrets('AKIA' + 'A'.repeat(40)), '[redacted]');
  });

  it('toNavienError and describeError use the same rule; NavienErrors pass through', function () {
    const secret = 'S'.repeat(48);
    const wrapped = toNavienError(new Error(`bad ${secret}`), 'NAVIEN_NETWORK');
    assert.equal(wrapped.code, 'NAVIEN_NETWORK');
    assert.equal(wrapped.message, 'bad [redacted]');
    const ours = new NavienError('NAVIEN_TIMEOUT', 'did not answer');
    assert.equal(toNavienError(ours), ours);
    assert.equal(describeError(ours), 'NAVIEN_TIMEOUT: did not answer');
    assert.equal(describeError(new Error(`x ${secret}`)), 'x [redacted]');
  });
});
