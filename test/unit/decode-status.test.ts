import { strict as assert } from 'node:assert';
import { classifyMessage } from '../../src/navien/mqtt/envelope';
import { decodeStatus, summarizeStatus } from '../../src/navien/decode/status';

// Every expected value below was worked out by hand from NAVIEN-PROTOCOL.md §3.1–3.4.

describe('decodeStatus', () => {
  it('converts half-°C absolute temperatures', () => {
    const c = decodeStatus({ dhwTemperatureSetting: 122, temperatureType: 1 }, { units: 'auto' });
    assert.equal(c.dhwTemperatureSetting, 61);
    assert.equal(c.units.dhwTemperatureSetting, '°C');
    const f = decodeStatus({ dhwTemperatureSetting: 122 }, { units: 'F' });
    assert.equal(f.dhwTemperatureSetting, 141.8);
    assert.equal(f.units.dhwTemperatureSetting, '°F');
    // 81 → 40.5 °C → 104.9 °F
    assert.equal(
      decodeStatus({ heatMinOpTemperature: 81 }, { units: 'F' }).heatMinOpTemperature,
      104.9,
    );
    // zero is a real temperature, not "missing"
    assert.equal(decodeStatus({ recircTemperature: 0 }, { units: 'C' }).recircTemperature, 0);
    assert.equal(decodeStatus({ recircTemperature: 0 }, { units: 'F' }).recircTemperature, 32);
  });

  it('converts deci-°C absolute temperatures', () => {
    assert.equal(
      decodeStatus({ tankUpperTemperature: 593 }, { units: 'C' }).tankUpperTemperature,
      59.3,
    );
    // 59.3 × 9/5 + 32 = 138.74
    assert.equal(
      decodeStatus({ tankUpperTemperature: 593 }, { units: 'F' }).tankUpperTemperature,
      138.7,
    );
    // 48.9 °C → 120.02 °F
    assert.equal(decodeStatus({ ambientTemperature: 489 }, { units: 'F' }).ambientTemperature, 120);
    // -5.5 °C → 22.1 °F
    assert.equal(
      decodeStatus({ evaporatorTemperature: -55 }, { units: 'F' }).evaporatorTemperature,
      22.1,
    );
  });

  it('converts deci-°C deltas without the +32 offset, incl. the wire typo', () => {
    const c = decodeStatus(
      { hpUpperOnDiffTempSetting: 5, heLowerOnTDiffempSetting: 100 },
      { units: 'C' },
    );
    assert.equal(c.hpUpperOnDiffTempSetting, 0.5);
    assert.equal(c.heLowerOnTDiffempSetting, 10);
    const f = decodeStatus(
      { hpUpperOnDiffTempSetting: 5, heLowerOnTDiffempSetting: 100 },
      { units: 'F' },
    );
    assert.equal(f.hpUpperOnDiffTempSetting, 0.9);
    assert.equal(f.heLowerOnTDiffempSetting, 18);
    assert.equal(f.units.heLowerOnTDiffempSetting, '°F');
  });

  it('rounds outsideTemperature per tempFormulaType', () => {
    const out = (raw: number, tempFormulaType: number) =>
      decodeStatus({ outsideTemperature: raw, tempFormulaType }, { units: 'F' }).outsideTemperature;
    // standard (1): nearest integer. 26 → 13 °C → 55.4 °F → 55; 27 → 13.5 °C → 56.3 → 56
    assert.equal(out(26, 1), 55);
    assert.equal(out(27, 1), 56);
    // -11 → -5.5 °C → 22.1 °F → 22
    assert.equal(out(-11, 1), 22);
    // asymmetric (0): 29 % 10 = 9 → floor(58.1) = 58; 26 → ceil(55.4) = 56
    assert.equal(out(29, 0), 58);
    assert.equal(out(26, 0), 56);
    // 20 → 10 °C → exactly 50 °F stays 50
    assert.equal(out(20, 0), 50);
    // negatives: -9 % 10 = -9 (not 9) → ceil(23.9) = 24; -19 → -9.5 °C → 14.9 → ceil 15
    assert.equal(out(-9, 0), 24);
    assert.equal(out(-19, 0), 15);
    // °C output is plain half-degrees
    assert.equal(
      decodeStatus({ outsideTemperature: -11, tempFormulaType: 0 }, { units: 'C' })
        .outsideTemperature,
      -5.5,
    );
  });

  it('decodes device booleans, tri-state flags and the TOU specials', () => {
    const d = decodeStatus(
      {
        dhwUse: 2,
        ecoUse: 1,
        scaldUse: 0,
        compUse: 2,
        heatUpperUse: 1,
        heatLowerUse: 0,
        operationBusy: 0,
        antiLegionellaUse: 2,
        antiLegionellaOperationBusy: 1,
        airFilterAlarmUse: 0,
        recircReservationUse: 0,
        touStatus: 1,
        touOverrideStatus: 1,
      },
      { units: 'F' },
    );
    assert.equal(d.dhwUse, true);
    assert.equal(d.ecoUse, false);
    assert.equal(d.scaldUse, false);
    assert.equal(d.compUse, true);
    assert.equal(d.heatUpperUse, false);
    assert.equal(d.heatLowerUse, null);
    assert.equal(d.operationBusy, null);
    assert.equal(d.antiLegionellaUse, true);
    assert.equal(d.antiLegionellaOperationBusy, false);
    assert.equal(d.airFilterAlarmUse, null);
    assert.equal(d.recircReservationUse, null);
    assert.equal(d.touStatus, true);
    assert.equal(d.touOverrideStatus, true); // 1 = override active
    const e = decodeStatus({ touStatus: 0, touOverrideStatus: 2 }, { units: 'F' });
    assert.equal(e.touStatus, false);
    assert.equal(e.touOverrideStatus, false); // 2 = following the schedule
  });

  it('scales energy counts by 4 Wh and derives usable energy', () => {
    const d = decodeStatus(
      { totalEnergyCapacity: 1598, availableEnergyCapacity: 352 },
      { units: 'F' },
    );
    assert.equal(d.totalEnergyCapacity, 6392);
    assert.equal(d.availableEnergyCapacity, 1408);
    assert.equal(d.usableEnergy, 4984);
    assert.equal(d.units.usableEnergy, 'Wh');
    const never = decodeStatus(
      { totalEnergyCapacity: 10, availableEnergyCapacity: 20 },
      { units: 'F' },
    );
    assert.equal(never.usableEnergy, 0);
    assert.ok(!('usableEnergy' in decodeStatus({ totalEnergyCapacity: 10 }, { units: 'F' })));
  });

  it('converts flow and volume with the unit choice', () => {
    const c = decodeStatus({ currentDhwFlowRate: 38, cumulatedDhwFlowRate: 48213 }, { units: 'C' });
    assert.equal(c.currentDhwFlowRate, 3.8);
    assert.equal(c.units.currentDhwFlowRate, 'L/min');
    assert.equal(c.cumulatedDhwFlowRate, 48213);
    assert.equal(c.units.cumulatedDhwFlowRate, 'L');
    const f = decodeStatus({ currentDhwFlowRate: 38, cumulatedDhwFlowRate: 48213 }, { units: 'F' });
    // 3.8 × 0.264172 = 1.0038536 → 1.00; 48213 × 0.264172 = 12736.524… → 12736.52
    assert.equal(f.currentDhwFlowRate, 1);
    assert.equal(f.units.currentDhwFlowRate, 'gpm');
    assert.equal(f.cumulatedDhwFlowRate, 12736.52);
    assert.equal(f.units.cumulatedDhwFlowRate, 'gal');
  });

  it('names enums beside the raw code and keeps unknown codes as numbers', () => {
    const d = decodeStatus(
      {
        dhwOperationSetting: 3,
        operationMode: 64,
        currentHeatUse: 3,
        drEventStatus: 2,
        recircOperationMode: 1,
      },
      { units: 'F' },
    );
    assert.equal(d.dhwOperationSetting, 3);
    assert.equal(d.dhwOperationSettingName, 'energy-saver');
    assert.equal(d.operationModeName, 'hybrid-efficiency');
    assert.equal(d.currentHeatUseName, 'heat-pump+element');
    assert.equal(d.drEventStatusName, 'shed');
    assert.equal(d.recircOperationModeName, 'always');
    const u = decodeStatus({ dhwOperationSetting: 42, operationMode: 7 }, { units: 'F' });
    assert.equal(u.dhwOperationSetting, 42);
    assert.equal(u.dhwOperationSettingName, null);
    assert.equal(u.operationMode, 7);
    assert.equal(u.operationModeName, null);
    assert.equal(
      decodeStatus({ dhwOperationSetting: 6 }, { units: 'F' }).dhwOperationSettingName,
      'power-off',
    );
  });

  it('gives error text for error codes', () => {
    assert.equal(
      decodeStatus({ errorCode: 799, subErrorCode: 0 }, { units: 'F' }).errorText,
      'E799 water leak',
    );
    assert.equal(decodeStatus({ errorCode: 0 }, { units: 'F' }).errorText, null);
    assert.equal(decodeStatus({ errorCode: 123 }, { units: 'F' }).errorText, 'E123');
    assert.equal(
      decodeStatus({ errorCode: 515, subErrorCode: 27 }, { units: 'F' }).errorText,
      'E515 relay (compressor)',
    );
    assert.equal(
      decodeStatus({ errorCode: 480, subErrorCode: 2 }, { units: 'F' }).errorText,
      'E480 tank upper sensor (above upper limit)',
    );
  });

  it('follows temperatureType in auto mode and defaults to °F', () => {
    assert.equal(
      decodeStatus({ temperatureType: 1, dhwTemperature: 100 }, { units: 'auto' }).dhwTemperature,
      50,
    );
    assert.equal(
      decodeStatus({ temperatureType: 2, dhwTemperature: 100 }, { units: 'auto' }).dhwTemperature,
      122,
    );
    assert.equal(decodeStatus({ dhwTemperature: 100 }, { units: 'auto' }).dhwTemperature, 122);
    // an explicit choice wins over the device
    assert.equal(
      decodeStatus({ temperatureType: 2, dhwTemperature: 100 }, { units: 'C' }).dhwTemperature,
      50,
    );
    const d = decodeStatus({ temperatureType: 1 }, { units: 'auto' });
    assert.equal(d.temperatureTypeName, 'celsius');
    assert.equal(d.temperatureUnit, '°C');
  });

  it('leaves missing fields absent and passes unknown fields through', () => {
    const d = decodeStatus(
      { dhwTemperature: 100, someNewField: 'x', nested: { a: 1 } },
      { units: 'F' },
    );
    for (const key of [
      'tankUpperTemperature',
      'compUse',
      'errorText',
      'operationModeName',
      'touStatus',
      'usableEnergy',
    ]) {
      assert.ok(!(key in d), `${key} should be absent`);
    }
    assert.equal(d.someNewField, 'x');
    assert.deepEqual(d.nested, { a: 1 });
    // a non-numeric value in a numeric field is left as it came
    assert.equal(decodeStatus({ dhwTemperature: 'n/a' }, { units: 'F' }).dhwTemperature, 'n/a');
  });

  it('decodes the §6.9 sample message end to end', () => {
    const message = {
      protocolVersion: 2,
      clientID: 'navien-client-5c7e21ab',
      sessionID: '0f3c9d4e2b7a41c8a6e5d1b09c8f7a63',
      requestTopic: 'cmd/52/navilink-a4c1382f09be/st',
      responseTopic: 'cmd/52/navilink-a4c1382f09be/navien-client-5c7e21ab/res',
      response: {
        command: 16777219,
        deviceType: 52,
        macAddress: 'a4c1382f09be',
        additionalValue: '7781',
        status: {
          command: 67108883,
          temperatureType: 2,
          tempFormulaType: 1,
          errorCode: 0,
          subErrorCode: 0,
          smartDiagnostic: 0,
          faultStatus1: 0,
          faultStatus2: 0,
          specialFunctionStatus: 0,
          wifiRssi: -58,
          didReload: 1,
          currentStatenum: 6,
          operationMode: 32,
          dhwOperationSetting: 3,
          operationBusy: 2,
          dhwOperationBusy: 2,
          currentHeatUse: 1,
          compUse: 2,
          eevUse: 2,
          evaFanUse: 2,
          heatUpperUse: 1,
          heatLowerUse: 1,
          dhwUse: 1,
          dhwUseSustained: 1,
          dhwChargePer: 78,
          currentInstPower: 446,
          totalEnergyCapacity: 1598,
          availableEnergyCapacity: 352,
          dhwTemperature: 118,
          dhwTemperature2: 118,
          dhwTemperatureSetting: 120,
          dhwTargetTemperatureSetting: 120,
          heatMinOpTemperature: 81,
          tankUpperTemperature: 593,
          tankLowerTemperature: 471,
          dischargeTemperature: 642,
          suctionTemperature: 139,
          evaporatorTemperature: 121,
          ambientTemperature: 187,
          targetSuperHeat: 30,
          currentSuperHeat: 18,
          outsideTemperature: 0,
          currentInletTemperature: 0,
          hpUpperOnDiffTempSetting: 50,
          heLowerOnTDiffempSetting: 100,
          currentDhwFlowRate: 0,
          cumulatedDhwFlowRate: 48213,
          mixingRate: 0,
          freezeProtectionUse: 2,
          freezeProtectionTemperature: 12,
          antiLegionellaUse: 2,
          antiLegionellaPeriod: 14,
          antiLegionellaOperationBusy: 1,
          programReservationUse: 1,
          touStatus: 0,
          touOverrideStatus: 2,
          drEventStatus: 0,
          airFilterAlarmUse: 2,
          airFilterAlarmPeriod: 1000,
          airFilterAlarmElapsed: 311,
          ecoUse: 1,
          scaldUse: 1,
          shutOffValveUse: 2,
          wtrOvrSensorUse: 1,
          recircOperationMode: 0,
          recircReservationUse: 0,
        },
      },
    };
    const c = classifyMessage(message);
    assert.equal(c.kind, 'status');
    if (c.kind !== 'status') return;
    const d = decodeStatus(c.status, { units: 'auto' });
    assert.equal(d.temperatureUnit, '°F');
    assert.equal(d.dhwTemperatureSetting, 140); // 60 °C
    assert.equal(d.dhwTemperature, 138.2); // 59 °C
    assert.equal(d.tankUpperTemperature, 138.7);
    assert.equal(d.tankLowerTemperature, 116.8); // 47.1 °C → 116.78
    assert.equal(d.heatMinOpTemperature, 104.9);
    assert.equal(d.freezeProtectionTemperature, 42.8); // 6 °C
    assert.equal(d.dischargeTemperature, 147.6); // 64.2 °C → 147.56
    assert.equal(d.targetSuperHeat, 5.4); // 3.0 °C difference
    assert.equal(d.outsideTemperature, 32);
    assert.equal(d.hpUpperOnDiffTempSetting, 9);
    assert.equal(d.heLowerOnTDiffempSetting, 18);
    assert.equal(d.operationModeName, 'heat-pump');
    assert.equal(d.dhwOperationSettingName, 'energy-saver');
    assert.equal(d.currentHeatUseName, 'heat-pump');
    assert.equal(d.compUse, true);
    assert.equal(d.operationBusy, true);
    assert.equal(d.heatUpperUse, false);
    assert.equal(d.didReload, false);
    assert.equal(d.shutOffValveUse, true);
    assert.equal(d.recircReservationUse, null);
    assert.equal(d.currentInstPower, 446);
    assert.equal(d.units.currentInstPower, 'W');
    assert.equal(d.totalEnergyCapacity, 6392);
    assert.equal(d.availableEnergyCapacity, 1408);
    assert.equal(d.usableEnergy, 4984);
    assert.equal(d.cumulatedDhwFlowRate, 12736.52);
    assert.equal(d.wifiRssi, -58);
    assert.equal(d.units.wifiRssi, 'dBm');
    assert.equal(d.errorText, null);
    assert.equal(d.touStatus, false);
    assert.equal(d.touOverrideStatus, false);
    assert.equal(d.drEventStatusName, 'none');
    assert.equal(d.command, 67108883);
    assert.equal(d.units.antiLegionellaPeriod, 'days');
    assert.equal(d.units.airFilterAlarmElapsed, 'h');
    assert.equal(summarizeStatus(d), '138°F · hybrid');
  });
});

describe('summarizeStatus', () => {
  it('keeps the badge under 20 characters', () => {
    const cases = [
      decodeStatus({ dhwTemperature: 100, dhwOperationSetting: 1 }, { units: 'F' }),
      decodeStatus({ dhwTemperature: 100, dhwOperationSetting: 4 }, { units: 'F' }),
      decodeStatus({ dhwTemperature: -100, dhwOperationSetting: 3 }, { units: 'F' }),
      decodeStatus({ dhwTemperature: 100, errorCode: 799 }, { units: 'C' }),
      decodeStatus({ dhwOperationSetting: 99 }, { units: 'C' }),
      decodeStatus({}, { units: 'C' }),
    ];
    const texts = cases.map(summarizeStatus);
    assert.deepEqual(texts, [
      '122°F · heat pump',
      '122°F · high demand',
      '-58°F · hybrid',
      '50°C · E799',
      'mode 99',
      'no data',
    ]);
    for (const t of texts) assert.ok(t.length < 20, t);
    assert.equal(
      summarizeStatus(
        decodeStatus({ dhwTemperature: 100, dhwOperationSetting: 6 }, { units: 'F' }),
      ),
      '122°F · off',
    );
  });
});
