import assert from 'node:assert/strict';
import { decodeEnergy } from '../../src/navien/decode/energy';
import { decodeEnergyHistory, decodeLifetime } from '../../src/navien/decode/energy-history';
import { decodeInstallerCounters } from '../../src/navien/decode/counters';
import {
  answersMonthlyQuery,
  monthlyQueryFields,
  parseEnergyHistoryRequest,
} from '../../src/navien/energy-history-request';
import {
  diagnosticsReplyTopic,
  ProgramCommand,
  ProgramTopics,
} from '../../src/navien/protocol/programs';
import {
  crosscheckCases,
  protocolSample,
  sampleRequest,
  sampleResponse,
} from '../support/protocol-samples';

// Samples: NAVIEN-PROTOCOL.md §9.3.1–9.3.2 and §9.4.1–9.4.2, read in place.

interface Item {
  hpUsage: number;
  heUsage: number;
  hpTime?: number;
  heTime?: number;
}

const MONTHLY = () => sampleResponse('#### 9.3.2 ');
const COUNTERS = () => sampleResponse('#### 9.4.2 ');
const NOW = new Date(2026, 2, 13, 12, 0, 0);

function pct(part: number, total: number): number | null {
  return total > 0 ? Math.round((1000 * part) / total) / 10 : null;
}

describe('energy history and counters (§9.3, §9.4)', function () {
  describe('monthly request', function () {
    it('parses {years}, {year} and the default year; drops duplicates', function () {
      assert.deepEqual(parseEnergyHistoryRequest({ years: [2025, 2026, 2025] }, NOW), {
        years: [2025, 2026],
      });
      assert.deepEqual(parseEnergyHistoryRequest({ year: 2024 }, NOW), { years: [2024] });
      assert.deepEqual(parseEnergyHistoryRequest(1733140000000, NOW), { years: [2026] });
      assert.deepEqual(parseEnergyHistoryRequest({ report: 'monthly' }, NOW), { years: [2026] });
    });

    it('refuses bad years with NAVIEN_INVALID_INPUT naming the field', function () {
      const bad: [unknown, RegExp][] = [
        [{ years: [] }, /years/],
        [{ years: 2025 }, /years/],
        [{ years: [2025, 1999] }, /years/],
        [{ years: [2025.5] }, /years/],
        [{ year: 2100 }, /year /],
        [{ year: '2025' }, /year /],
        [{ year: 2025, years: [2025] }, /both/],
      ];
      for (const [payload, message] of bad) {
        assert.throws(() => parseEnergyHistoryRequest(payload, NOW), {
          code: 'NAVIEN_INVALID_INPUT',
          message,
        });
      }
    });

    it('builds the §9.3.1 request keys, code and topics', function () {
      const sample = protocolSample('#### 9.3.1 ');
      const request = sampleRequest('#### 9.3.1 ');
      assert.deepEqual(monthlyQueryFields({ years: [2025, 2026] }), { year: request.year });
      assert.equal(request.command, ProgramCommand.ENERGY_USAGE_MONTHLY_QUERY);
      assert.ok(String(sample.requestTopic).endsWith(`/${ProgramTopics.energyMonthly.request}`));
      assert.ok(String(sample.responseTopic).endsWith(`/res/${ProgramTopics.energyMonthly.reply}`));
    });

    it('tells its answer from another heater’s or another query’s', function () {
      const answer = MONTHLY();
      assert.ok(answersMonthlyQuery(answer, 'a4c1382f09be', { years: [2026, 2025] }));
      assert.ok(!answersMonthlyQuery(answer, '000000000000', { years: [2025, 2026] }));
      assert.ok(!answersMonthlyQuery(answer, 'a4c1382f09be', { years: [2026] }));
      assert.ok(answersMonthlyQuery({ usage: [], total: {} }, 'a4c1382f09be', { years: [2026] }));
    });
  });

  describe('monthly answer', function () {
    it('gives twelve months per year with sums and shares computed here', function () {
      const raw = MONTHLY();
      const decoded = decodeEnergyHistory(raw, [2025, 2026]);
      const usage = raw.usage as { year: number; data: Item[] }[];
      assert.equal(decoded.years.length, 2);
      for (const [y, year] of decoded.years.entries()) {
        const data = usage[y].data;
        assert.equal(year.year, usage[y].year);
        assert.equal(year.reported, true);
        assert.equal(year.months.length, 12);
        year.months.forEach((m, i) => {
          const item = data[i];
          const total = item.hpUsage + item.heUsage;
          assert.deepEqual(m, {
            month: i + 1,
            heatPumpWh: item.hpUsage,
            elementWh: item.heUsage,
            heatPumpHours: item.hpTime ?? 0,
            elementHours: item.heTime ?? 0,
            totalWh: total,
            heatPumpShare: pct(item.hpUsage, total),
            elementShare: pct(item.heUsage, total),
          });
        });
        const hp = data.reduce((s, d) => s + d.hpUsage, 0);
        const he = data.reduce((s, d) => s + d.heUsage, 0);
        assert.equal(year.totals.heatPumpWh, hp);
        assert.equal(year.totals.elementWh, he);
        assert.equal(year.totals.totalWh, hp + he);
        assert.equal(year.totals.heatPumpShare, pct(hp, hp + he));
        assert.equal(year.totals.elementShare, pct(he, hp + he));
        assert.equal(
          year.totals.heatPumpHours,
          data.reduce((s, d) => s + (d.hpTime ?? 0), 0),
        );
      }
      // The sums the protocol states for this sample.
      assert.deepEqual(
        decoded.years.map((y) => [y.totals.heatPumpWh, y.totals.elementWh]),
        [
          [799410, 114620],
          [208143, 62520],
        ],
      );
      assert.equal(decoded.years[1].months[5].heatPumpShare, null, 'an empty month has no share');
    });

    it('carries the lifetime total block, which is not the sum of the period', function () {
      const raw = MONTHLY();
      const total = raw.total as Required<Item>;
      const { lifetime, years } = decodeEnergyHistory(raw, [2025, 2026]);
      assert.deepEqual(lifetime, {
        heatPumpWh: total.hpUsage,
        elementWh: total.heUsage,
        heatPumpHours: total.hpTime,
        elementHours: total.heTime,
        totalWh: total.hpUsage + total.heUsage,
        heatPumpShare: pct(total.hpUsage, total.hpUsage + total.heUsage),
        elementShare: pct(total.heUsage, total.hpUsage + total.heUsage),
      });
      assert.ok(lifetime.heatPumpWh > years[0].totals.heatPumpWh + years[1].totals.heatPumpWh);
      assert.equal(decodeLifetime({ usage: [] }), null);
    });

    it('gives zero months for a year the answer left out and for a short list', function () {
      const decoded = decodeEnergyHistory(
        { usage: [{ year: 2024, data: [{ hpUsage: 10, heUsage: 0 }] }] },
        [2023, 2024],
      );
      assert.equal(decoded.years[0].reported, false);
      assert.equal(decoded.years[0].months.length, 12);
      assert.equal(decoded.years[0].totals.totalWh, 0);
      assert.equal(decoded.years[1].months[0].heatPumpWh, 10);
      assert.equal(decoded.years[1].months[11].heatPumpWh, 0);
      assert.equal(decoded.lifetime, null);
    });

    it('adds lifetime to a daily answer without changing the daily decode', function () {
      const c = crosscheckCases('energy')[0];
      const query = c.query as { year: number; months: number[] };
      const total = c.raw.total as Item;
      const lifetime = decodeLifetime(c.raw);
      assert.equal(lifetime?.heatPumpWh, total.hpUsage);
      assert.equal(lifetime?.elementWh, total.heUsage);
      assert.equal(lifetime?.heatPumpHours, 0, 'time keys missing from the fixture count as 0');
      assert.ok(!('lifetime' in decodeEnergy(c.raw, query.year, query.months)));
    });
  });

  describe('installer counters', function () {
    it('uses the §9.4.1 code and the five-segment reply topic', function () {
      const sample = protocolSample('#### 9.4.1 ');
      assert.equal(sampleRequest('#### 9.4.1 ').command, ProgramCommand.DIAGNOSTICS_REQUEST);
      assert.ok(String(sample.requestTopic).endsWith(`/${ProgramTopics.diagnostics.request}`));
      assert.equal(
        diagnosticsReplyTopic(52, 40217, 'navien-client-5c7e21ab', 91544),
        sample.responseTopic,
      );
      assert.equal(
        diagnosticsReplyTopic(52, 40217, 'navien-client-5c7e21ab'),
        'cmd/52/40217/0/navien-client-5c7e21ab/res/td/rd',
      );
    });

    it('decodes §9.4.2 into plain names with units, consistent with the energy total', function () {
      const raw = COUNTERS();
      const data = raw.data as Record<string, Record<string, number>>;
      const { counters, units, other, typeOfTD } = decodeInstallerCounters(raw);
      const total = MONTHLY().total as Required<Item>;
      assert.equal(typeOfTD, 2);
      assert.equal(counters.heatPumpWh, total.hpUsage);
      assert.equal(counters.elementWh, total.heUsage);
      assert.equal(counters.heatPumpHours, total.hpTime);
      assert.equal(counters.elementHours, total.heTime);
      assert.equal(counters.daysInService, data.tsData.daysSinceInstallation);
      assert.equal(counters.compressorStarts, data.taData.cumulatedOpNumComp);
      assert.equal(
        counters.elementStarts,
        data.taData.cumulatedOpNumUhe + data.taData.cumulatedOpNumLhe,
      );
      assert.equal(counters.freezeProtectionHeatings, data.tsData.numOffRostProtectBurn);
      assert.equal(counters.condensateOverflows, data.tsData.cumulatedOccNumConOvrFlow);
      assert.equal(counters.averageRecoveryTime, data.tdData.avrageRecoveryTime);
      assert.equal(counters.evaporatorFanHours, data.taData.cumulatedOpTimeEvaFan);
      assert.deepEqual(
        [units.heatPumpWh, units.compressorHours, units.compressorStarts, units.daysInService],
        ['Wh', 'h', 'count', 'days'],
      );
      assert.deepEqual(other, {}, 'every key of the sample is known');
      const vendorKeys = Object.values(data).reduce((n, block) => n + Object.keys(block).length, 0);
      assert.equal(Object.keys(counters).length, vendorKeys + 3, 'one name per key plus 3 sums');
      for (const name of Object.keys(counters)) {
        assert.match(name, /^[a-z][A-Za-z0-9]*$/);
        assert.ok(!/avrage|Avrage|OffRost|MixinG|Ocured|Ofdhw/.test(name), name);
        assert.ok(name in units, name);
      }
    });

    it('keeps unknown keys in other and gives null for missing counters', function () {
      const { counters, other, typeOfTD } = decodeInstallerCounters({
        data: { tsData: { cumulatedPwrHp: 5, newThing: 1 }, tcData: { x: 2 } },
      });
      assert.equal(counters.heatPumpWh, 5);
      assert.equal(counters.compressorHours, null);
      assert.equal(counters.elementHours, null);
      assert.equal(typeOfTD, null);
      assert.deepEqual(other, { tsData: { newThing: 1 }, tcData: { x: 2 } });
      assert.equal(decodeInstallerCounters({}).counters.heatPumpWh, null);
    });
  });
});
