import assert from 'node:assert/strict';
import { errorText } from '../../src/navien/decode/error-codes';
import type { RawDeviceEntry } from '../../src/navien/types';
import devicesNode = require('../../src/navien-devices');
import deviceInfoNode = require('../../src/navien-device-info');
import statusNode = require('../../src/navien-status');
import { nodeHarness, waitFor, type FlowNode, type Msg } from './harness';

interface LastError {
  code: number;
  text: string;
  time: string | null;
}

/** The device list's `error` block (§9.8) through navien-devices, navien-device-info and navien-status. */
describe('the last reported error through the nodes', function () {
  this.timeout(60_000);
  const h = nodeHarness({
    nodes: [devicesNode, deviceInfoNode, statusNode],
    // --error-code 799: the first heater shows a leak, and the device list keeps the record.
    simulator: { devices: 2, speed: 0, faults: { errorCode: 799 } },
  });
  let macs: string[];
  let listed: RawDeviceEntry[];

  before(function () {
    macs = h.macs;
    listed = h.sim.rest.devices();
  });
  beforeEach(function () {
    h.sim.rest.setDevices(listed);
  });

  async function listDevices(): Promise<Record<string, unknown>[]> {
    await h.load([{ id: 'n', type: 'navien-devices', account: 'acc', wires: [['out']] }]);
    return (await h.send('n', { payload: '' }, 'out', 10_000)).payload as Record<string, unknown>[];
  }

  it('navien-devices: lastError {code, text, time} for the faulty heater, null for the other', async function () {
    const devices = await listDevices();
    const block = listed[0].error!;
    assert.match(String(block.errorOccuredTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(devices[0].lastError, {
      code: 799,
      text: 'E799 water leak',
      time: block.errorOccuredTime,
    });
    assert.equal(devices[1].lastError, null);
  });

  it('navien-devices: a null errorCode does not break the list; other codes, modelTypeCode and descaling pass', async function () {
    const [a, b] = listed;
    h.sim.rest.setDevices([
      { ...a, error: { errorCode: null, errorOccuredTime: null } },
      {
        ...b,
        deviceInfo: { ...b.deviceInfo, modelTypeCode: null },
        error: { errorCode: 515, errorOccuredTime: '2026-02-11 07:42:19' },
        descaling: { descalingStartTime: '2026-01-05T09:00:00', descalingEndTime: null },
      },
    ]);
    const devices = await listDevices();
    assert.equal(devices.length, 2);
    assert.equal(devices[0].lastError, null);
    assert.deepEqual(devices[1].lastError, {
      code: 515,
      text: errorText(515),
      time: '2026-02-11T07:42:19',
    });
    assert.equal(devices[1].modelTypeCode, null);
    assert.deepEqual(devices[1].descaling, {
      descalingStartTime: '2026-01-05T09:00:00',
      descalingEndTime: null,
    });
  });

  it('navien-device-info: lastError comes from the device list (the record has no error block)', async function () {
    await h.load([
      { id: 'i', type: 'navien-device-info', account: 'acc', device: '', wires: [['out']] },
    ]);
    const got = h.next('out', 2);
    h.node('i').receive({ device: macs[0] });
    h.node('i').receive({ device: macs[1] });
    const [first, second] = await got;
    const p1 = first.payload as {
      lastError: LastError | null;
      deviceInfo: { macAddress: string };
    };
    const p2 = second.payload as { lastError: LastError | null };
    assert.equal(p1.deviceInfo.macAddress, macs[0]);
    assert.equal(p1.lastError?.code, 799);
    assert.equal(p1.lastError?.text, 'E799 water leak');
    assert.equal(p2.lastError, null);
  });

  it('navien-status: an offline heater gets one message and a badge with its last reported error', async function () {
    const offline = await h.startSimulator({
      devices: 2,
      offline: 2,
      speed: 0,
      faults: { errorCode: 799 },
    });
    const [faulty, quiet] = [...offline.heaters.keys()];
    const statusOf = (id: string, device: string): FlowNode => ({
      id,
      type: 'navien-status',
      account: 'acc',
      device,
      interval: 0,
      units: 'auto',
      outputMode: 'every',
      wires: [['out']],
    });
    await h.load([statusOf('s1', faulty), statusOf('s2', quiet)], { cloud: offline });
    const statuses = h.collect('statuses');
    const out = h.collect('out');
    const badgeOf = (id: string): string[] =>
      statuses
        .filter((s) => (s.status as { source: { id: string } }).source.id === id)
        .map((s) => String((s.status as { text: string }).text));
    await waitFor(() => out.length === 2, { what: 'the two offline messages' });
    const byMac = new Map(out.map((m: Msg) => [m.topic, m.payload as Record<string, unknown>]));
    const faultyMsg = byMac.get(`navien/${faulty}/offline`);
    assert.equal(faultyMsg?.connected, false);
    const lastError = faultyMsg?.lastError as LastError;
    assert.equal(lastError.code, 799);
    assert.equal(lastError.text, 'E799 water leak');
    assert.match(String(lastError.time), /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(byMac.get(`navien/${quiet}/offline`)?.lastError, null);
    await waitFor(() => badgeOf('s1').includes('offline · E799'), { what: 'the faulty badge' });
    await waitFor(() => badgeOf('s2').includes('device offline'), { what: 'the plain badge' });
    // Asking again does not repeat the one-time message: once the node is done, nothing more came.
    h.node('s1').receive({ payload: '' });
    await h.handled('s1');
    assert.equal(out.length, 2);
  });
});
