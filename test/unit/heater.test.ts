import assert from 'node:assert/strict';
import { CONTROL_COMMANDS, Heater, STATUS_KEYS } from '../../src/simulator/heater';

const MAC = 'a4c1382f09be';

/** Every key of the NAVIEN-PROTOCOL.md §6.9 sample, restated so a rename in the model shows. */
const SAMPLE_KEYS =
  'command temperatureType tempFormulaType errorCode subErrorCode smartDiagnostic faultStatus1 ' +
  'faultStatus2 specialFunctionStatus wifiRssi didReload currentStatenum operationMode ' +
  'dhwOperationSetting operationBusy dhwOperationBusy currentHeatUse compUse eevUse evaFanUse ' +
  'heatUpperUse heatLowerUse dhwUse dhwUseSustained dhwChargePer currentInstPower ' +
  'totalEnergyCapacity availableEnergyCapacity dhwTemperature dhwTemperature2 ' +
  'dhwTemperatureSetting dhwTargetTemperatureSetting heatMinOpTemperature tankUpperTemperature ' +
  'tankLowerTemperature dischargeTemperature suctionTemperature evaporatorTemperature ' +
  'ambientTemperature targetSuperHeat currentSuperHeat outsideTemperature currentInletTemperature ' +
  'hpUpperOnTempSetting hpUpperOffTempSetting hpLowerOnTempSetting hpLowerOffTempSetting ' +
  'heUpperOnTempSetting heUpperOffTempSetting heLowerOnTempSetting heLowerOffTempSetting ' +
  'hpUpperOnDiffTempSetting hpUpperOffDiffTempSetting hpLowerOnDiffTempSetting ' +
  'hpLowerOffDiffTempSetting heUpperOnDiffTempSetting heUpperOffDiffTempSetting ' +
  'heLowerOnTDiffempSetting heLowerOffDiffTempSetting currentDhwFlowRate cumulatedDhwFlowRate ' +
  'mixingRate targetFanRpm currentFanRpm fanPwm eevStep freezeProtectionUse ' +
  'freezeProtectionTemperature freezeProtectionTempMin freezeProtectionTempMax antiLegionellaUse ' +
  'antiLegionellaPeriod antiLegionellaOperationBusy programReservationUse programReservationType ' +
  'vacationDaySetting vacationDayElapsed touStatus touOverrideStatus drEventStatus ' +
  'drOverrideStatus airFilterAlarmUse airFilterAlarmPeriod airFilterAlarmElapsed ' +
  'cumulatedOpTimeEvaFan ecoUse scaldUse shutOffValveUse conOvrSensorUse wtrOvrSensorUse ' +
  'errorBuzzerUse recircOperationMode recircOperationBusy recircReservationUse ' +
  'recircPumpOperationStatus recircHotBtnReady recircOperationReason recircErrorStatus ' +
  'recircTempSetting recircTemperature recircFaucetTemperature recircDhwFlowRate';

function heater(mode: 1 | 2 | 3 | 4 = 3): Heater {
  return new Heater({ mac: MAC, seed: 42, mode, autoDraws: false });
}

function ctrl(h: Heater, mode: string, param: number[] = []): void {
  const code = CONTROL_COMMANDS[mode];
  assert.ok(code, mode);
  assert.deepEqual(h.applyControl(code, mode, param), { ok: true });
}

describe('simulated NWP500 heater', () => {
  it('reports every key of the sample status, all numbers', () => {
    const status = heater().status();
    assert.deepEqual(Object.keys(status).sort(), SAMPLE_KEYS.split(' ').sort());
    assert.equal(STATUS_KEYS.length, SAMPLE_KEYS.split(' ').length);
    for (const [key, value] of Object.entries(status))
      assert.ok(Number.isFinite(value), `${key} = ${String(value)}`);
  });

  it('reports a §6.10-shaped feature record', () => {
    const f = new Heater({ mac: MAC, controllerSerialNumber: 'SERIAL1' }).feature();
    assert.equal(f.controllerSerialNumber, 'SERIAL1');
    assert.equal(f.dhwTemperatureMin, 81);
    assert.equal(f.dhwTemperatureMax, 131);
    for (const flag of ['powerUse', 'holidayUse', 'heatpumpUse', 'electricUse', 'energyUsageUse'])
      assert.equal(f[flag], 2, flag);
  });

  it('is deterministic when seeded', () => {
    const a = new Heater({ mac: MAC, seed: 7 });
    const b = new Heater({ mac: MAC, seed: 7 });
    a.tick(6 * 3600);
    b.tick(6 * 3600);
    assert.deepEqual(a.status(), b.status());
  });

  it('recovers to the set-point, then a draw lowers temperature and charge', () => {
    const h = heater();
    h.tick(6 * 3600);
    const full = h.status();
    assert.equal(full.operationMode, 0, 'idle once charged');
    assert.ok(full.dhwChargePer >= 90, `charge ${full.dhwChargePer}`);
    assert.ok(full.availableEnergyCapacity < full.totalEnergyCapacity * 0.1);

    h.startDraw(9, 600);
    h.tick(300);
    const drawing = h.status();
    assert.equal(drawing.currentDhwFlowRate, 90);
    assert.equal(drawing.dhwUse, 2);
    h.tick(300);
    const after = h.status();
    assert.ok(after.tankLowerTemperature < full.tankLowerTemperature - 50);
    assert.ok(after.dhwChargePer < full.dhwChargePer - 10, `charge ${after.dhwChargePer}`);
    assert.ok(after.availableEnergyCapacity > 0);
    assert.ok(after.cumulatedDhwFlowRate >= full.cumulatedDhwFlowRate + 89);
    assert.equal(after.compUse, 2, 'heat pump starts recovering');
    assert.equal(after.currentHeatUse === 1 || after.currentHeatUse === 3, true);
    assert.ok(after.currentInstPower >= 400 && after.currentInstPower <= 520);

    h.tick(4 * 3600);
    const recovered = h.status();
    assert.ok(recovered.tankLowerTemperature > after.tankLowerTemperature + 50);
    assert.ok(recovered.dhwChargePer > after.dhwChargePer);
  });

  it('heats with the compressor alone in heat-pump mode', () => {
    const h = heater(1);
    h.startDraw(12, 1200);
    let compressorTicks = 0;
    let coldest = Infinity;
    for (let i = 0; i < 600; i++) {
      h.tick(30);
      const s = h.status();
      assert.equal(s.heatUpperUse, 1);
      assert.equal(s.heatLowerUse, 1);
      assert.notEqual(s.currentHeatUse, 2);
      assert.notEqual(s.currentHeatUse, 3);
      coldest = Math.min(coldest, s.tankLowerTemperature);
      if (s.compUse === 2) {
        compressorTicks++;
        assert.equal(s.operationMode, 32);
        assert.ok(s.currentInstPower > 0, 'a running compressor draws power');
      }
    }
    // A heater that never heats would pass the checks above; it must recover the tank.
    assert.ok(compressorTicks > 0, 'the compressor ran');
    assert.ok(h.status().tankLowerTemperature > coldest + 50, 'the tank recovered');
  });

  it('never runs the compressor in electric mode', () => {
    const h = heater(2);
    let elementSeen = false;
    h.startDraw(10, 900);
    for (let i = 0; i < 600; i++) {
      h.tick(30);
      const s = h.status();
      assert.equal(s.compUse, 1);
      assert.equal(s.currentInstPower, 0);
      if (s.heatUpperUse === 2 || s.heatLowerUse === 2) {
        elementSeen = true;
        assert.equal(s.currentHeatUse, 2);
      }
    }
    assert.ok(elementSeen);
  });

  it('moves totalEnergyCapacity with the set-point', () => {
    const h = heater();
    const before = h.status();
    ctrl(h, 'dhw-temperature', [110]);
    const after = h.status();
    assert.equal(after.dhwTemperatureSetting, 110);
    assert.equal(after.dhwTargetTemperatureSetting, 110);
    // ~143 Wh (36 counts) per half degree on a 65-gallon tank.
    const perStep = (before.totalEnergyCapacity - after.totalEnergyCapacity) / 10;
    assert.ok(perStep > 30 && perStep < 40, `counts per step ${perStep}`);
  });

  it('applies control commands', () => {
    const h = heater();
    ctrl(h, 'power-off');
    assert.equal(h.status().dhwOperationSetting, 6);
    h.tick(3600);
    assert.equal(h.status().operationMode, 0);
    ctrl(h, 'power-on');
    assert.equal(h.status().dhwOperationSetting, 3);
    ctrl(h, 'dhw-mode', [4]);
    assert.equal(h.status().dhwOperationSetting, 4);
    ctrl(h, 'dhw-mode', [5, 7]);
    assert.equal(h.status().dhwOperationSetting, 5);
    assert.equal(h.status().vacationDaySetting, 7);
    h.tick(2 * 86400);
    assert.equal(h.status().vacationDayElapsed, 2);
    h.tick(6 * 86400);
    assert.equal(h.status().dhwOperationSetting, 4, 'vacation ends by itself');
    ctrl(h, 'anti-leg-on', [21]);
    assert.equal(h.status().antiLegionellaPeriod, 21);
    ctrl(h, 'anti-leg-off');
    assert.equal(h.status().antiLegionellaUse, 1);
    ctrl(h, 'tou-on');
    assert.equal(h.status().touStatus, 1);
    ctrl(h, 'dr-on');
    assert.equal(h.status().drEventStatus, 1);
    ctrl(h, 'goout-day', [12]);
    assert.equal(h.status().vacationDaySetting, 12);
    assert.equal(h.status().dhwOperationSetting, 4, 'goout-day leaves the mode as it is');
    ctrl(h, 'air-filter-life', [6]);
    assert.equal(h.status().airFilterAlarmPeriod, 3000);
    assert.equal(h.status().airFilterAlarmUse, 2);
    ctrl(h, 'air-filter-life', [0]);
    assert.equal(h.status().airFilterAlarmPeriod, 0);
    assert.equal(h.status().airFilterAlarmUse, 1);
    ctrl(h, 'air-filter-reset');
    assert.equal(h.status().airFilterAlarmElapsed, 0);
    ctrl(h, 'intelligent-on');
    assert.equal(h.intelligentMode, true);
  });

  it('refuses bad commands with a reason', () => {
    const h = heater();
    assert.equal(h.applyControl(33554464, 'dhw-temperature', [200]).ok, false);
    assert.equal(h.applyControl(33554437, 'dhw-mode', [5]).ok, false);
    assert.equal(h.applyControl(33554437, 'dhw-mode', [6]).ok, false);
    assert.equal(h.applyControl(33554434, 'dhw-temperature', [110]).ok, false);
    assert.equal(h.applyControl(0, 'launch-rocket', []).ok, false);
    assert.equal(h.applyControl(33554445, 'recirc-mode', [1]).ok, false);
    // Commands the vendor app never sends (§9.7) are not obeyed either.
    assert.equal(h.applyControl(33554451, 'frez-temp', [16]).ok, false);
    assert.equal(h.applyControl(33554466, 'goout-day', [31]).ok, false);
    assert.equal(h.applyControl(33554474, 'air-filter-life', [1]).ok, false);
    assert.equal(h.applyControl(33554474, 'air-filter-life', [21]).ok, false);
    assert.equal(h.status().vacationDaySetting, 0);
    assert.equal(h.status().airFilterAlarmPeriod, 1000);
    assert.equal(h.status().freezeProtectionTemperature, 12);
    assert.equal(h.status().dhwTemperatureSetting, 120);
  });

  it('shows injected errors, and a leak on the leak sensor', () => {
    const h = heater();
    h.injectError(799);
    assert.equal(h.status().errorCode, 799);
    assert.equal(h.status().wtrOvrSensorUse, 2);
    h.clearError();
    assert.equal(h.status().errorCode, 0);
    assert.equal(h.status().wtrOvrSensorUse, 1);
  });

  it('accumulates daily energy by source in the §4.5 shape', () => {
    const h = heater(4);
    h.startDraw(12, 1200);
    h.tick(8 * 3600);
    const when = new Date(h.time);
    const answer = h.energyUsage(when.getUTCFullYear(), [when.getUTCMonth() + 1]);
    assert.equal(answer.typeOfUsage, 1);
    assert.equal(answer.usage.length, 1);
    const month = answer.usage[0];
    assert.equal(month.data.length, 31);
    const today = month.data[when.getUTCDate() - 1];
    assert.ok(today.hpUsage > 0, 'heat pump energy');
    assert.ok(today.heUsage > 0, 'element energy in high-demand mode');
    assert.ok(month.data[0].hpUsage > 0, 'invented history before the start');
    assert.equal(month.data[30].hpUsage, 0, 'nothing in the future');
    // `total` is the lifetime count (§9.3), so it covers this month and more.
    assert.ok(answer.total.hpUsage > month.data.reduce((sum, d) => sum + d.hpUsage, 0));
  });
});
