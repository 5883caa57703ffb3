import assert from 'node:assert/strict';
import { NavienError } from '../../src/navien/errors';
import { decodeTou } from '../../src/navien/decode/tou';
import {
  encodePrices,
  parseTouWrite,
  touWriteFields,
  type RawTouPeriod,
} from '../../src/navien/program/tou-write';
import {
  canonicalTou,
  decodeTouProgram,
  readRawTou,
  touEchoMatches,
} from '../../src/navien/program/tou-echo';
import { ProgramCommand, ProgramTopics } from '../../src/navien/protocol/programs';
import type { RawTouResponse } from '../../src/navien/types';
import {
  crosscheckCases,
  protocolSample,
  sampleRequest,
  sampleResponse,
} from '../support/protocol-samples';

// Samples: NAVIEN-PROTOCOL.md §9.2 and the reference library's crosscheck fixtures, read in place.

const SERIAL = '70310452KX24110937';

function expectInvalid(fn: () => unknown, path: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof NavienError, `NavienError, got ${String(err)}`);
    assert.equal(err.code, 'NAVIEN_INVALID_INPUT');
    assert.ok(err.message.startsWith(`${path} `), `message names ${path}: ${err.message}`);
    return true;
  });
}

/** The REST plan flattened the way §9.2 describes: the season copied into each interval. */
function flatten(raw: RawTouResponse): Record<string, unknown>[] {
  return raw.touInfo.schedule.flatMap((s) => s.interval.map((i) => ({ season: s.season, ...i })));
}

const WRITE_PLAN = {
  seasons: [
    {
      months: ['July', 'August', 'September', 'October'],
      periods: [
        { days: 'weekdays', start: '00:00', end: '15:59', priceMin: 0.2187, priceMax: 0.2187 },
        { days: 'weekdays', start: '16:00', end: '20:59', priceMin: 0.41977, priceMax: 0.41977 },
        { days: 'weekend', start: '00:00', end: '23:59', priceMin: 0.2187, priceMax: 0.2187 },
      ],
    },
    {
      months: [11, 12, 1, 2, 3, 4, 5, 6],
      periods: [
        { days: 'every day', start: '00:00', end: '23:59', priceMin: 0.19405, priceMax: 0.19405 },
      ],
    },
  ],
};

describe('TOU plan codec (§4.3, §9.2)', function () {
  describe('decodeTou', function () {
    it('decodes a plan without decimalPoint with the default 5 and a missing price as null', function () {
      const plan = decodeTou({
        touInfo: {
          schedule: [
            {
              season: 4095,
              interval: [
                {
                  week: 254,
                  startHour: 0,
                  startMinute: 0,
                  endHour: 23,
                  endMinute: 59,
                  priceMin: 21870,
                },
              ],
            },
          ],
        },
      });
      const period = plan.seasons[0].periods[0];
      assert.equal(period.priceMin, 21870 / 10 ** 5);
      assert.equal(period.priceMax, null);
    });

    it('decodes every REST crosscheck fixture with prices computed here and no NaN', function () {
      const cases = crosscheckCases('tou').filter((c) => c.form === 'rest');
      assert.ok(cases.length >= 3);
      for (const c of cases) {
        const raw = c.raw as unknown as RawTouResponse;
        const plan = decodeTou(raw);
        raw.touInfo.schedule.forEach((s, i) => {
          s.interval.forEach((interval, j) => {
            const period = plan.seasons[i].periods[j];
            const scale = 10 ** (interval.decimalPoint ?? 5);
            assert.equal(period.priceMin, Number(((interval.priceMin ?? NaN) / scale).toFixed(10)));
            assert.equal(period.priceMax, Number(((interval.priceMax ?? NaN) / scale).toFixed(10)));
          });
        });
        for (const period of plan.seasons.flatMap((s) => s.periods)) {
          assert.ok(Number.isFinite(period.priceMin) && Number.isFinite(period.priceMax), c.id);
        }
      }
    });
  });

  describe('writing', function () {
    it('uses the command and topics of the §9.2.1 sample', function () {
      const sample = protocolSample('#### 9.2.1 ');
      assert.equal(sampleRequest('#### 9.2.1 ').command, ProgramCommand.TOU_WRITE);
      assert.ok(String(sample.requestTopic).endsWith(`/${ProgramTopics.touWrite.request}`));
      assert.ok(String(sample.responseTopic).endsWith(`/res/${ProgramTopics.touWrite.reply}`));
    });

    it('encodes the decoded shape into exactly the §9.2.1 request fields', function () {
      const request = sampleRequest('#### 9.2.1 ');
      assert.deepEqual(touWriteFields(parseTouWrite(WRITE_PLAN), SERIAL), {
        controllerSerialNumber: request.controllerSerialNumber,
        reservationUse: request.reservationUse,
        reservation: request.reservation,
      });
    });

    it('sets month-mask bits m−1 (Jul–Oct 960, Nov–Jun 3135) and encodes prices with a decimalPoint', function () {
      const [summer, , , winter] = parseTouWrite(WRITE_PLAN).reservation;
      assert.equal(summer.season, 0b001111000000);
      assert.equal(winter.season, 0b110000111111);
      assert.deepEqual(encodePrices(0.28412, 1), {
        priceMin: 28412,
        priceMax: 100000,
        decimalPoint: 5,
      });
      assert.deepEqual(encodePrices(0, 0.123456), {
        priceMin: 0,
        priceMax: 123456,
        decimalPoint: 6,
      });
      assert.deepEqual(encodePrices(0.000005, 0.000005), {
        priceMin: 5,
        priceMax: 5,
        decimalPoint: 6,
      });
      assert.deepEqual(encodePrices(0.12345678901234, 0), {
        priceMin: 1234567890,
        priceMax: 0,
        decimalPoint: 10,
      });
    });

    it('switches the plan off with enabled false', function () {
      assert.equal(parseTouWrite({ ...WRITE_PLAN, enabled: false }).reservationUse, 1);
      assert.equal(parseTouWrite(WRITE_PLAN).reservationUse, 2);
    });

    it('refuses to build a write without the controller serial', function () {
      assert.throws(() => touWriteFields(parseTouWrite(WRITE_PLAN), ''), {
        code: 'NAVIEN_UNSUPPORTED',
      });
      assert.throws(() => touWriteFields(parseTouWrite(WRITE_PLAN), undefined), {
        code: 'NAVIEN_UNSUPPORTED',
      });
    });

    it('names the season, period and field of every mistake', function () {
      const period = WRITE_PLAN.seasons[0].periods[0];
      const withPeriod = (patch: Record<string, unknown>) => () =>
        parseTouWrite({
          seasons: [{ months: ['Jan'], periods: [period, { ...period, ...patch }] }],
        });
      expectInvalid(() => parseTouWrite({}), 'seasons');
      expectInvalid(() => parseTouWrite({ seasons: [] }), 'seasons');
      expectInvalid(() => parseTouWrite({ seasons: ['summer'] }), 'seasons[0]');
      expectInvalid(
        () => parseTouWrite({ seasons: [{ months: [], periods: [period] }] }),
        'seasons[0].months',
      );
      expectInvalid(
        () => parseTouWrite({ seasons: [{ months: [13], periods: [period] }] }),
        'seasons[0].months',
      );
      expectInvalid(
        () => parseTouWrite({ seasons: [{ months: ['Smarch'], periods: [period] }] }),
        'seasons[0].months',
      );
      expectInvalid(
        () => parseTouWrite({ seasons: [{ months: ['Jan'], periods: [] }] }),
        'seasons[0].periods',
      );
      expectInvalid(
        () => parseTouWrite({ seasons: [{ months: ['Jan'], periods: [7] }] }),
        'seasons[0].periods[0]',
      );
      expectInvalid(withPeriod({ days: 'someday' }), 'seasons[0].periods[1].days');
      expectInvalid(withPeriod({ start: '25:00' }), 'seasons[0].periods[1].start');
      expectInvalid(withPeriod({ end: undefined }), 'seasons[0].periods[1].end');
      expectInvalid(withPeriod({ priceMin: -0.01 }), 'seasons[0].periods[1].priceMin');
      expectInvalid(withPeriod({ priceMin: null }), 'seasons[0].periods[1].priceMin');
      expectInvalid(withPeriod({ priceMax: '0.2' }), 'seasons[0].periods[1].priceMax');
      expectInvalid(withPeriod({ priceMax: Infinity }), 'seasons[0].periods[1].priceMax');
      expectInvalid(
        () =>
          parseTouWrite({
            seasons: [{ months: ['Jan'], periods: Array.from({ length: 17 }, () => period) }],
          }),
        'seasons',
      );
      assert.equal(
        parseTouWrite({
          seasons: [{ months: ['Jan'], periods: Array.from({ length: 16 }, () => period) }],
        }).reservation.length,
        16,
      );
      expectInvalid(() => parseTouWrite({ ...WRITE_PLAN, enabled: 'yes' }), 'enabled');
    });
  });

  describe('the echo', function () {
    it('confirms the §9.2.1 write with the reordered §9.2.2 echo', function () {
      const sent = parseTouWrite(WRITE_PLAN);
      const echo = sampleResponse('#### 9.2.2 ');
      assert.ok(touEchoMatches(sent, echo));
    });

    it('rejects an echo that differs in a price, a mask, the switch or a period', function () {
      const sent = parseTouWrite(WRITE_PLAN);
      const changed = (mutate: (p: RawTouPeriod[], echo: Record<string, unknown>) => void) => {
        const echo = sampleResponse('#### 9.2.2 ');
        mutate(echo.reservation as RawTouPeriod[], echo);
        return touEchoMatches(sent, echo);
      };
      assert.equal(
        changed((p) => (p[0].priceMax += 1)),
        false,
      );
      assert.equal(
        changed((p) => (p[1].week = 126)),
        false,
      );
      assert.equal(
        changed((p) => (p[2].season = 961)),
        false,
      );
      assert.equal(
        changed((p) => p.pop()),
        false,
      );
      assert.equal(
        changed((_p, e) => (e.reservationUse = 1)),
        false,
      );
      assert.equal(touEchoMatches(sent, {}), false);
    });

    it('reads an echo without decimalPoint as the default 5, and 0 as off', function () {
      const echo = sampleResponse('#### 9.2.2 ');
      for (const p of echo.reservation as Partial<RawTouPeriod>[]) delete p.decimalPoint;
      assert.ok(touEchoMatches(parseTouWrite(WRITE_PLAN), echo));
      assert.equal(
        canonicalTou(readRawTou({ reservationUse: 0, reservation: [] })),
        canonicalTou(readRawTou({ reservationUse: 1, reservation: [] })),
      );
    });

    it('decodes the echo back into the written plan', function () {
      const sent = parseTouWrite(WRITE_PLAN);
      const decoded = decodeTouProgram(readRawTou(sampleResponse('#### 9.2.2 ')));
      assert.equal(decoded.enabled, true);
      const again = decodeTouProgram(sent);
      assert.deepEqual(
        new Set(decoded.seasons.map((s) => JSON.stringify(s))),
        new Set(again.seasons.map((s) => JSON.stringify(s))),
      );
    });
  });

  describe('round trips', function () {
    it('REST fixtures: decode → encode → decode gives the same plan, and the same integers', function () {
      for (const c of crosscheckCases('tou').filter((x) => x.form === 'rest')) {
        const raw = c.raw as unknown as RawTouResponse;
        const plan = decodeTou(raw);
        const program = parseTouWrite({ seasons: plan.seasons });
        assert.deepEqual(decodeTouProgram(program).seasons, plan.seasons, c.id);
        const flat = flatten(raw);
        if (flat.every((p) => p.decimalPoint === 5))
          assert.deepEqual(program.reservation, flat, c.id);
      }
    });

    it('MQTT fixtures: read → decode → encode → confirms the same plan', function () {
      const cases = crosscheckCases('tou').filter((x) => x.form === 'mqtt');
      assert.ok(cases.length >= 5);
      for (const c of cases) {
        const decoded = decodeTouProgram(readRawTou(c.raw));
        assert.equal(decoded.enabled, c.raw.reservationUse === 2, c.id);
        const program = parseTouWrite({ enabled: decoded.enabled, seasons: decoded.seasons });
        assert.deepEqual(decodeTouProgram(program), decoded, c.id);
        for (const [i, p] of (c.raw.reservation as RawTouPeriod[]).entries()) {
          const out = program.reservation[i];
          assert.equal(out.season, p.season, c.id);
          assert.equal(out.week, p.week & 0xfe, c.id);
          assert.equal(out.priceMin / 10 ** out.decimalPoint, p.priceMin / 10 ** p.decimalPoint);
        }
      }
    });

    it('decodes the fixture masks: season 2081 is Jan, Jun, Dec; week 84 is Mon, Wed, Fri', function () {
      const c = crosscheckCases('tou').find((x) => x.id === 'test_api_helpers-week-84')!;
      const season = decodeTouProgram(readRawTou(c.raw)).seasons[0];
      assert.deepEqual(season.months, ['January', 'June', 'December']);
      assert.deepEqual(season.periods[0].days, ['Monday', 'Wednesday', 'Friday']);
    });
  });
});
