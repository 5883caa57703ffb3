import assert from 'node:assert/strict';
import controlNode = require('../../src/navien-control');
import { nodeHarness, waitFor, type FlowNode, type Msg } from './harness';

const ONE_MB = 1024 * 1024;
/** @node-red/util's log level for errors. */
const LOG_ERROR = 20;
/** Generous for a sentence plus a 40-character excerpt; 1 MB echoed back would be far over. */
const SHORT = 400;

/** What Node-RED's log prints for a logged error (its toString(), as @node-red/util does). */
interface LogEntry {
  level: number;
  type?: string;
  msg: unknown;
}

describe('error text never echoes unbounded input (navien-control, 1 MB values)', function () {
  this.timeout(60_000);
  const h = nodeHarness({ nodes: [controlNode], simulator: { devices: 1 } });
  let mac: string;

  before(function () {
    mac = h.macs[0] ?? '';
    assert.ok(mac);
  });

  function controlNodeDef(device: string): FlowNode {
    return {
      id: 'ctl',
      type: 'navien-control',
      account: 'acc',
      device,
      units: 'F',
      command: '',
      timeout: 10,
      wires: [['out']],
    };
  }

  const caught = (msg: Record<string, unknown>): Promise<Msg> => h.send('ctl', msg, 'caught');

  function assertShort(message: string, value: string): void {
    assert.ok(message.length < SHORT, `error text is ${message.length} chars long`);
    assert.ok(message.startsWith('Navien: '), message);
    assert.ok(message.includes(`(${value.length} chars)`), message);
    assert.ok(message.includes(value.slice(0, 40) + '…'), message);
  }

  it('a 1 MB temperature gives a short marked excerpt in msg.error.message and msg.navienError', async function () {
    await h.load([controlNodeDef(mac)]);
    const huge = '9'.repeat(ONE_MB);
    const msg = await caught({ payload: { temperature: huge } });
    const error = msg.error as { message: string; code: string };
    assert.equal(error.code, 'NAVIEN_INVALID_INPUT');
    assertShort(error.message, huge);
    assert.match(error.message, /^Navien: msg\.payload\.temperature must be a temperature/);
    const info = msg.navienError as { message: string };
    assert.ok(info.message.length < SHORT, `navienError.message is ${info.message.length} long`);
  });

  it('a 1 MB msg.device gives a short error, and the log line (no Catch node) is short too', async function () {
    await h.load([controlNodeDef('')], { watchers: false });
    const huge = 'z'.repeat(ONE_MB);
    const spy = h.log();
    h.node('ctl').receive({ payload: { temperature: 120 }, device: huge });
    const errorsOf = (): LogEntry[] =>
      spy.args
        .map((args: unknown[]) => args[0] as LogEntry)
        .filter((e: LogEntry) => e.level === LOG_ERROR && e.type === 'navien-control');
    await waitFor(() => errorsOf().length > 0, { timeout: 20_000, what: 'the logged error' });
    const [entry] = errorsOf();
    const line = String(entry?.msg);
    assertShort(line, huge);
    assert.match(line, /is not a device MAC address/);
  });
});
