// The parts of the diagnostics snapshot that need no cloud: redaction of free texts, the
// per-account error log, and the connection history read from state events.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { ConnectionLog } from '../../src/navien/diagnostics/connection-log';
import { ERROR_LOG_SIZE, ErrorLog } from '../../src/navien/diagnostics/error-log';
import { MAX_TEXT, maskMac, redactText } from '../../src/navien/diagnostics/redact';
import { NavienError } from '../../src/navien/errors';
import type { NavienMqttStateChange } from '../../src/navien/mqtt/connection';

describe('diagnostics: redaction', function () {
  it('masks a MAC in every spelling to its last four digits', function () {
    for (const mac of ['a4c1382f09be', 'A4:C1:38:2F:09:BE', 'a4-c1-38-2f-09-be']) {
      assert.equal(maskMac(mac), '********09be');
      assert.equal(
        redactText(`No device with MAC ${mac} here`),
        'No device with MAC ********09be here',
      );
    }
    assert.equal(redactText('cmd/52/navilink-a4c1382f09be/#'), 'cmd/52/navilink-********09be/#');
  });

  it('removes e-mail addresses and token-like strings, keeps paths and host names', function () {
    const text = redactText(
      '"dana@example.com" is not a MAC; token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x and ASIAQWERTYUIOPASDFGHJ1 (NAVIEN_TOKEN_REFRESH_FAILED) at POST /device/firmware/info on a1t30mldyslmuq-ats.iot.us-east-1.amazonaws.com',
    );
    assert.doesNotMatch(text, /dana|example\.com|eyJ|ASIA/);
    assert.match(text, /<e-mail>/);
    assert.match(text, /\(NAVIEN_TOKEN_REFRESH_FAILED\)/);
    assert.match(
      text,
      /POST \/device\/firmware\/info on a1t30mldyslmuq-ats\.iot\.us-east-1\.amazonaws\.com/,
    );
  });

  it('cuts long texts', function () {
    const text = redactText('bad value '.repeat(100_000));
    assert.equal(text.length, MAX_TEXT + 1);
    assert.ok(text.endsWith('…'));
  });
});

describe('diagnostics: error log', function () {
  it(`keeps the last ${ERROR_LOG_SIZE} errors per account, redacted, oldest first`, function () {
    let now = Date.UTC(2026, 11, 2, 14, 0, 0);
    const log = new ErrorLog(ERROR_LOG_SIZE, () => now);
    for (let i = 0; i < ERROR_LOG_SIZE + 5; i++) {
      now += 1000;
      log.record('acc1', {
        code: 'NAVIEN_DEVICE_NOT_FOUND',
        message: `No device with MAC a4c1382f09be (#${i})`,
        nodeType: 'navien-device-info',
        nodeId: 'n1',
      });
    }
    log.record('acc2', {
      code: 'NAVIEN_TIMEOUT',
      message: 'late',
      nodeType: 'navien-tou',
      nodeId: 'n2',
    });
    const recent = log.recent('acc1');
    assert.equal(recent.length, ERROR_LOG_SIZE);
    assert.deepEqual(recent[0], {
      at: '2026-12-02T14:00:06.000Z',
      code: 'NAVIEN_DEVICE_NOT_FOUND',
      node: 'navien-device-info n1',
      message: 'No device with MAC ********09be (#5)',
    });
    assert.match(recent[ERROR_LOG_SIZE - 1].message, /#24\)$/);
    assert.deepEqual(
      log.recent('acc2').map((e) => e.code),
      ['NAVIEN_TIMEOUT'],
    );
    assert.deepEqual(log.recent('none'), []);
  });
});

describe('diagnostics: connection history', function () {
  it('records since when it is up, each drop and the reason it last closed', function () {
    let now = 1_000;
    const mqtt = new EventEmitter();
    const log = new ConnectionLog(() => now);
    log.watch(mqtt);
    const emit = (change: NavienMqttStateChange): boolean => mqtt.emit('state', change);
    assert.deepEqual(log.history, {
      connectedSince: undefined,
      reconnects: 0,
      lastCloseReason: undefined,
    });
    emit({ state: 'connecting', previous: 'idle' });
    emit({ state: 'connected', previous: 'connecting' });
    assert.equal(log.history.connectedSince, 1_000);
    now = 5_000;
    const lost = new NavienError(
      'NAVIEN_MQTT_UNAVAILABLE',
      'Connection to the Navien cloud closed',
    );
    emit({ state: 'reconnecting', previous: 'connected', error: lost });
    assert.deepEqual(log.history, {
      connectedSince: undefined,
      reconnects: 1,
      lastCloseReason: 'Connection to the Navien cloud closed',
    });
    now = 9_000;
    emit({ state: 'connected', previous: 'reconnecting' });
    emit({ state: 'idle', previous: 'connected' });
    assert.deepEqual(log.history, {
      connectedSince: undefined,
      reconnects: 1,
      lastCloseReason: 'connection idle',
    });
  });
});
