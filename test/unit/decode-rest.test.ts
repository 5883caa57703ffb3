import assert from 'node:assert/strict';
import { toDevice, toDeviceRecord, toDevices } from '../../src/navien/decode/devices';
import { firmwareComponentName, toFirmwareComponents } from '../../src/navien/decode/firmware';
import {
  decodePrice,
  decodeSeasonMask,
  decodeTou,
  decodeWeekMask,
  formatClock,
} from '../../src/navien/decode/tou';
import type { RawTouResponse } from '../../src/navien/types';

// Fixtures written by hand from NAVIEN-PROTOCOL.md §1.8–1.11 and §4.3.

describe('REST decoders', function () {
  describe('devices', function () {
    it('flattens an entry; connected 2 → true, anything else → false', function () {
      const device = toDevice({
        deviceInfo: {
          homeSeq: 1,
          macAddress: 'a4c1382f09be',
          additionalValue: '7781',
          deviceType: 52,
          deviceName: 'Garage',
          connected: 2,
          installType: 'R',
        },
        location: { city: 'Bend' },
      });
      assert.equal(device.connected, true);
      assert.deepEqual(device.location, { city: 'Bend' });
      assert.equal(toDevice({ deviceInfo: { macAddress: 'x', connected: 1 } }).connected, false);
      assert.equal(toDevice({ deviceInfo: { macAddress: 'x', connected: 0 } }).connected, false);
    });

    it('fills missing fields with null / "" and an empty location', function () {
      assert.deepEqual(toDevice({ deviceInfo: { macAddress: 'a4c1382f09be' }, location: null }), {
        macAddress: 'a4c1382f09be',
        additionalValue: '',
        deviceType: 0,
        deviceName: '',
        homeSeq: null,
        connected: false,
        installType: null,
        location: {},
        lastError: null,
      });
    });

    it('rejects a list answer that is not a list', function () {
      assert.throws(() => toDevices({ nope: 1 }), { code: 'NAVIEN_API_ERROR' });
      assert.deepEqual(toDevices([]), []);
    });

    it('keeps every device-info key and makes connected boolean', function () {
      const record = toDeviceRecord({
        deviceInfo: { macAddress: 'a4c1382f09be', connected: 2, homeSeq: 7, extra: 'kept' },
        location: null,
        installer: null,
        alarmInfo: { isEtcAlarm: 1, isErrorAlarm: 2 },
        descaling: { descalingStartTime: null, descalingEndTime: null },
        unknownTopLevel: 5,
      });
      assert.equal(record.deviceInfo.connected, true);
      assert.equal(record.deviceInfo.extra, 'kept');
      assert.deepEqual(record.location, {});
      assert.equal(record.installer, null);
      assert.deepEqual(record.alarmInfo, { isEtcAlarm: 1, isErrorAlarm: 2 });
      assert.equal(record.unknownTopLevel, 5);
      assert.equal(
        toDeviceRecord({ deviceInfo: { macAddress: 'x', connected: 1 } }).deviceInfo.connected,
        false,
      );
    });
  });

  describe('firmware', function () {
    it('names every known component code and marks unknown ones', function () {
      assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 9].map(firmwareComponentName), [
        'unknown',
        'controller',
        'panel',
        'room controller',
        'communication module (Wi-Fi)',
        'valve control',
        'sub room controller',
        'unknown (9)',
      ]);
    });

    it('maps firmware entries, flagging a downloaded but uninstalled version', function () {
      const components = toFirmwareComponents({
        firmwares: [
          { curSwCode: 1, curVersion: 100, downloadedVersion: null, deviceGroup: 'NWP500' },
          { curSwCode: 4, curVersion: 200, downloadedVersion: 201 },
          { curSwCode: 2, curVersion: 300, downloadedVersion: 300 },
        ],
      });
      assert.deepEqual(components, [
        {
          component: 'controller',
          code: 1,
          currentVersion: 100,
          downloadedVersion: null,
          updatePending: false,
          deviceGroup: 'NWP500',
        },
        {
          component: 'communication module (Wi-Fi)',
          code: 4,
          currentVersion: 200,
          downloadedVersion: 201,
          updatePending: true,
          deviceGroup: null,
        },
        {
          component: 'panel',
          code: 2,
          currentVersion: 300,
          downloadedVersion: 300,
          updatePending: false,
          deviceGroup: null,
        },
      ]);
    });
  });

  describe('time of use', function () {
    it('decodes season masks: month m is bit m−1', function () {
      assert.deepEqual(decodeSeasonMask(960), ['July', 'August', 'September', 'October']);
      assert.deepEqual(decodeSeasonMask(3135), [
        'January',
        'February',
        'March',
        'April',
        'May',
        'June',
        'November',
        'December',
      ]);
      assert.deepEqual(decodeSeasonMask(1), ['January']);
      assert.deepEqual(decodeSeasonMask(32), ['June']);
      assert.deepEqual(decodeSeasonMask(2048), ['December']);
      assert.equal(decodeSeasonMask(4095).length, 12);
      assert.deepEqual(decodeSeasonMask(0), []);
    });

    it('decodes week masks (Sun 128 … Sat 2), Monday first', function () {
      assert.deepEqual(decodeWeekMask(124), [
        'Monday',
        'Tuesday',
        'Wednesday',
        'Thursday',
        'Friday',
      ]);
      assert.deepEqual(decodeWeekMask(130), ['Saturday', 'Sunday']);
      assert.equal(decodeWeekMask(254).length, 7);
      assert.deepEqual(decodeWeekMask(64), ['Monday']);
      assert.deepEqual(decodeWeekMask(1), [], 'bit 0 is unused');
    });

    it('formats times and prices without float noise', function () {
      assert.equal(formatClock(0, 0), '00:00');
      assert.equal(formatClock(15, 59), '15:59');
      assert.equal(decodePrice(28412, 5), 0.28412);
      assert.equal(decodePrice(21870, 5), 0.2187);
      assert.equal(decodePrice(41977, 5), 0.41977);
      assert.equal(decodePrice(3, 1), 0.3);
      assert.equal(decodePrice(12, 0), 12);
    });

    it('decodes a whole plan and keeps the raw answer', function () {
      const raw: RawTouResponse = {
        registerPath: 'wifi',
        sourceType: 'openei',
        touInfo: {
          controllerId: '70310452KX24110937',
          manufactureId: '5519F0A27B31046',
          name: 'Plan A',
          utility: 'Utility B',
          zipCode: 97702,
          schedule: [
            {
              season: 960,
              interval: [
                {
                  week: 124,
                  startHour: 16,
                  startMinute: 0,
                  endHour: 20,
                  endMinute: 59,
                  priceMin: 28412,
                  priceMax: 41977,
                  decimalPoint: 5,
                },
                {
                  week: 130,
                  startHour: 0,
                  startMinute: 0,
                  endHour: 23,
                  endMinute: 59,
                  priceMin: 21870,
                  priceMax: 21870,
                  decimalPoint: 5,
                },
              ],
            },
          ],
        },
      };
      const plan = decodeTou(raw);
      assert.deepEqual(
        { ...plan, raw: undefined },
        {
          name: 'Plan A',
          utility: 'Utility B',
          zipCode: '97702',
          controllerId: '70310452KX24110937',
          seasons: [
            {
              months: ['July', 'August', 'September', 'October'],
              periods: [
                {
                  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
                  start: '16:00',
                  end: '20:59',
                  priceMin: 0.28412,
                  priceMax: 0.41977,
                },
                {
                  days: ['Saturday', 'Sunday'],
                  start: '00:00',
                  end: '23:59',
                  priceMin: 0.2187,
                  priceMax: 0.2187,
                },
              ],
            },
          ],
          raw: undefined,
        },
      );
      assert.equal(plan.raw, raw);
    });

    it('rejects an answer without touInfo', function () {
      assert.throws(() => decodeTou({} as RawTouResponse), { code: 'NAVIEN_API_ERROR' });
    });
  });
});
