import { strict as assert } from 'node:assert';
import { decodeFeature } from '../../src/navien/decode/feature';
import { classifyMessage } from '../../src/navien/mqtt/envelope';

// Expected values worked out by hand from NAVIEN-PROTOCOL.md §4.1 and §6.10.
const SAMPLE = {
  protocolVersion: 2,
  clientID: 'navien-client-5c7e21ab',
  sessionID: '0f3c9d4e2b7a41c8a6e5d1b09c8f7a63',
  requestTopic: 'cmd/52/navilink-a4c1382f09be/st/did',
  responseTopic: 'cmd/52/navilink-a4c1382f09be/navien-client-5c7e21ab/res',
  response: {
    command: 16777217,
    deviceType: 52,
    macAddress: 'a4c1382f09be',
    additionalValue: '7781',
    feature: {
      countryCode: 3,
      modelTypeCode: 513,
      controlTypeCode: 101,
      volumeCode: 2,
      controllerSwVersion: 201457920,
      panelSwVersion: 33816576,
      wifiSwVersion: 50790400,
      controllerSwCode: 7,
      panelSwCode: 3,
      wifiSwCode: 12,
      recircSwVersion: 0,
      recircModelTypeCode: 0,
      controllerSerialNumber: '70310452KX24110937',
      temperatureType: 2,
      tempFormulaType: 1,
      dhwTemperatureSettingUse: 2,
      dhwTemperatureMin: 81,
      dhwTemperatureMax: 131,
      freezeProtectionTempMin: 12,
      freezeProtectionTempMax: 20,
      recircTemperatureMin: 0,
      recircTemperatureMax: 0,
      powerUse: 2,
      holidayUse: 2,
      programReservationUse: 2,
      dhwUse: 2,
      smartDiagnosticUse: 2,
      wifiRssiUse: 2,
      energyUsageUse: 2,
      freezeProtectionUse: 2,
      mixingValveUse: 1,
      drSettingUse: 2,
      antiLegionellaSettingUse: 2,
      hpwhUse: 2,
      dhwRefillUse: 2,
      ecoUse: 2,
      electricUse: 2,
      heatpumpUse: 2,
      energySaverUse: 2,
      highDemandUse: 2,
      recirculationUse: 1,
      recircReservationUse: 1,
      title24Use: 1,
    },
  },
};

describe('decodeFeature', () => {
  it('decodes the §6.10 sample in °F', () => {
    const c = classifyMessage(SAMPLE);
    assert.equal(c.kind, 'feature');
    if (c.kind !== 'feature') return;
    const f = decodeFeature(c.feature, { units: 'auto' });
    assert.equal(f.temperatureUnit, '°F');
    assert.equal(f.volumeName, '65 gal');
    assert.equal(f.tankVolume, 65);
    assert.equal(f.units.tankVolume, 'gal');
    assert.equal(f.modelTypeName, 'NPF heat-pump water heater');
    assert.equal(f.controllerSerialNumber, '70310452KX24110937');
    assert.equal(f.dhwTemperatureMin, 104.9); // 40.5 °C
    assert.equal(f.dhwTemperatureMax, 149.9); // 65.5 °C
    assert.equal(f.freezeProtectionTempMin, 42.8); // 6 °C
    assert.equal(f.freezeProtectionTempMax, 50); // 10 °C
    assert.equal(f.units.dhwTemperatureMax, '°F');
    assert.equal(f.temperatureControl, true);
    assert.equal(f.dhwTemperatureSettingUseName, 'half-degree');
    assert.equal(f.temperatureTypeName, 'fahrenheit');
    assert.equal(f.tempFormulaTypeName, 'standard');
    assert.deepEqual(f.firmware.controller, { version: 201457920, code: 7 });
    assert.deepEqual(f.firmware.wifi, { version: 50790400, code: 12 });
    assert.equal(f.powerUse, true);
    assert.equal(f.holidayUse, true);
    assert.equal(f.mixingValveUse, false);
    assert.equal(f.recirculationUse, false);
    assert.equal(f.title24Use, false);
    assert.equal(f.heatpumpUse, true);
    assert.deepEqual(f.supportedModes, [
      'heat-pump',
      'electric',
      'energy-saver',
      'high-demand',
      'vacation',
    ]);
    assert.equal(f.countryCode, 3); // passes through
  });

  it('converts limits to °C and volumes to litres when asked', () => {
    const f = decodeFeature(
      { dhwTemperatureMin: 81, dhwTemperatureMax: 131, volumeCode: 3 },
      { units: 'C' },
    );
    assert.equal(f.dhwTemperatureMin, 40.5);
    assert.equal(f.dhwTemperatureMax, 65.5);
    assert.equal(f.volumeName, '80 gal');
    assert.equal(f.tankVolume, 303); // 80 / 0.264172 = 302.8
    assert.equal(f.units.tankVolume, 'L');
    assert.equal(
      decodeFeature({ volumeCode: 1, temperatureType: 1 }, { units: 'auto' }).tankVolume,
      189,
    );
  });

  it('treats 0 (not fitted) and 1 as false, accepts the mixingValueUse typo', () => {
    const f = decodeFeature({ powerUse: 0, ecoUse: 1, mixingValueUse: 2 }, { units: 'F' });
    assert.equal(f.powerUse, false);
    assert.equal(f.ecoUse, false);
    assert.equal(f.mixingValveUse, true);
    assert.equal(f.mixingValueUse, true);
    assert.deepEqual(f.supportedModes, []);
  });

  it('leaves unknown codes as numbers with null names and missing keys absent', () => {
    const f = decodeFeature(
      { volumeCode: 9, modelTypeCode: 1, dhwTemperatureSettingUse: 1 },
      { units: 'F' },
    );
    assert.equal(f.volumeCode, 9);
    assert.equal(f.volumeName, null);
    assert.ok(!('tankVolume' in f));
    assert.equal(f.modelTypeName, null);
    assert.equal(f.temperatureControl, false);
    assert.ok(!('dhwTemperatureMin' in f));
    assert.ok(!('powerUse' in f));
    assert.ok(!('controllerSerialNumber' in f));
  });
});
