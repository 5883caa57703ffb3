#!/usr/bin/env node
/** The navien-simulator bin: starts the simulated cloud and runs until SIGINT/SIGTERM. */
import { startSimulator } from './index';
import { HELP, parseArgs } from './options';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`navien-simulator: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  const sim = await startSimulator({
    ...parsed.options,
    log: (line) => console.log(`[simulator] ${line}`),
  });
  const lines = [
    'Navien cloud simulator running (loopback only).',
    `  apiUrl:   ${sim.apiUrl}`,
    `  mqttUrl:  ${sim.mqttUrl}`,
    `  admin:    ${sim.adminUrl}/heaters (faults and off line at run time, see README)`,
    `  email:    ${sim.email}`,
    `  password: ${sim.password}`,
    `  devices:  ${[...sim.heaters.values()]
      .map((h) => `${h.mac}${h.connected ? '' : ' (offline)'}`)
      .join(', ')}`,
    'Press Ctrl+C to stop.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the simulator`);
    // Never hang on shutdown: the bounded wait ends the process even if a socket lingers.
    setTimeout(() => process.exit(1), 5000).unref();
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`navien-simulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
