import assert from 'node:assert/strict';
import { toDevices, toIsoTime, toLastError } from '../../src/navien/decode/devices';
import { errorText } from '../../src/navien/decode/error-codes';
import type { RawDeviceEntry } from '../../src/navien/types';
import { protocolSample } from '../support/protocol-samples';

// Sample: NAVIEN-PROTOCOL.md §9.8.1, read in place.

function sampleEntry(): RawDeviceEntry {
  return (protocolSample('#### 9.8.1 ').data as RawDeviceEntry[])[0];
}

describe('device list additions (§9.8)', function () {
  it('decodes the §9.8.1 entry: code 0 is no error; modelTypeCode null and descaling are kept', function () {
    const [device] = toDevices([sampleEntry()]);
    assert.equal(device.lastError, null);
    assert.equal(device.modelTypeCode, null);
    assert.deepEqual(device.descaling, { descalingStartTime: null, descalingEndTime: null });
    assert.equal(device.connected, true);
  });

  it('gives {code, text, time} for a real fault, text from our error table', function () {
    const entry = {
      ...sampleEntry(),
      error: { errorCode: 799, errorOccuredTime: '2025-12-07T11:58:02' },
    };
    const [device] = toDevices([entry]);
    assert.deepEqual(device.lastError, {
      code: 799,
      text: errorText(799),
      time: '2025-12-07T11:58:02',
    });
    assert.equal(device.lastError?.text, 'E799 water leak');
  });

  it('keeps unknown codes as numbers with a bare E-text', function () {
    assert.deepEqual(toLastError({ errorCode: 123, errorOccuredTime: null }), {
      code: 123,
      text: 'E123',
      time: null,
    });
  });

  it('a null, missing or empty error block does not break the list', function () {
    const entries: RawDeviceEntry[] = [
      { ...sampleEntry(), error: { errorCode: null, errorOccuredTime: null } },
      { ...sampleEntry(), error: {} },
      { ...sampleEntry(), error: null },
      { deviceInfo: { macAddress: 'b4c1382f09be' } },
    ];
    const devices = toDevices(entries);
    assert.equal(devices.length, 4);
    assert.deepEqual(
      devices.map((d) => d.lastError),
      [null, null, null, null],
    );
    assert.ok(!('modelTypeCode' in devices[3]), 'modelTypeCode only where the cloud sends it');
    assert.ok(!('descaling' in devices[3]), 'descaling only where the cloud sends it');
  });

  it('keeps descaling dates and a numeric modelTypeCode', function () {
    const entry = sampleEntry();
    entry.deviceInfo.modelTypeCode = 513;
    entry.descaling = { descalingStartTime: '2026-01-02T03:04:05', descalingEndTime: null };
    const [device] = toDevices([entry]);
    assert.equal(device.modelTypeCode, 513);
    assert.deepEqual(device.descaling, {
      descalingStartTime: '2026-01-02T03:04:05',
      descalingEndTime: null,
    });
  });

  it('passes zone-less ISO times on as they are and normalises zoned ones to UTC', function () {
    assert.equal(toIsoTime('2025-12-07T11:58:02'), '2025-12-07T11:58:02');
    assert.equal(toIsoTime('2025-12-07 11:58'), '2025-12-07T11:58');
    assert.equal(toIsoTime('2025-12-07T11:58:02+01:00'), '2025-12-07T10:58:02.000Z');
    assert.equal(toIsoTime('2025-12-07T11:58:02Z'), '2025-12-07T11:58:02.000Z');
    assert.equal(toIsoTime('yesterday'), null);
    assert.equal(toIsoTime(''), null);
    assert.equal(toIsoTime(1733572682), null);
  });
});
