/**
 * The heater's own programs over MQTT (NAVIEN-PROTOCOL.md §9.1, §9.2): read the weekly program,
 * write it whole and confirm it, write the TOU plan and confirm it by its echo. A write counts
 * as done only when the heater shows the very program that was sent (compared as a set): one
 * unit dropped writes silently (§9.1), so anything less is a NAVIEN_TIMEOUT, never success.
 */
import { NavienError } from './errors';
import type { NavienMqtt } from './mqtt/connection';
import type { ChannelIds } from './mqtt/device-channel';
import { withClientExchange, type ClientExchange, type ClientReply } from './mqtt/client-exchange';
import type { DeviceAddress } from './mqtt/topics';
import { readRawSchedule, sameSchedule, type RawScheduleProgram } from './program/schedule';
import { scheduleWriteFields } from './program/schedule-input';
import { touEchoMatches } from './program/tou-echo';
import { touWriteFields, type RawTouProgram } from './program/tou-write';
import { ProgramCommand, ProgramTopics } from './protocol/programs';

export interface ProgramLink {
  mqtt: NavienMqtt;
  ids: ChannelIds;
  device: DeviceAddress;
}

/** Echo wait before the write is checked by a fresh read (the reference waits 10 s, §9.0). */
const ECHO_WAIT_MAX_MS = 10_000;

const SCHEDULE_REPLIES = [
  ProgramTopics.reservationRead.reply,
  ProgramTopics.reservationReadHex.reply,
] as const;

/** A reply that holds a weekly program (JSON on `rsv/rd`, hex on `rsv`), read into raw form. */
function scheduleIn(reply: ClientReply): RawScheduleProgram | undefined {
  if (!(SCHEDULE_REPLIES as readonly string[]).includes(reply.suffix)) return undefined;
  const { response } = reply;
  if (!('reservation' in response) && !('reservationUse' in response)) return undefined;
  return readRawSchedule(response);
}

function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

function askForSchedule(exchange: ClientExchange): Promise<void> {
  return exchange.send(ProgramCommand.RESERVATION_READ, ProgramTopics.reservationRead);
}

/** The program the heater holds now (first answer in either form). */
export function readSchedule(link: ProgramLink, timeoutMs: number): Promise<RawScheduleProgram> {
  return withClientExchange(link.mqtt, link.ids, link.device, SCHEDULE_REPLIES, async (ex) => {
    const deadline = Date.now() + timeoutMs;
    await askForSchedule(ex);
    const program = await ex.wait(scheduleIn, deadline);
    if (!program) {
      throw new NavienError(
        'NAVIEN_TIMEOUT',
        `The heater ${link.device.macAddress} did not send its weekly program within ${seconds(timeoutMs)} s`,
      );
    }
    return program;
  });
}

/**
 * Replaces the whole program and resolves with it once the heater holds it: confirmed by the
 * write's echo, else (echo lost or different) by reading the program back, as §9.1 advises.
 * The program comes back in the order it was sent (the heater's order is not guaranteed), so
 * entry numbers in the output are the ones the flow wrote.
 */
export function writeSchedule(
  link: ProgramLink,
  program: RawScheduleProgram,
  timeoutMs: number,
): Promise<RawScheduleProgram> {
  return withClientExchange(link.mqtt, link.ids, link.device, SCHEDULE_REPLIES, async (ex) => {
    const start = Date.now();
    const deadline = start + timeoutMs;
    const matching = (reply: ClientReply): RawScheduleProgram | undefined => {
      const held = scheduleIn(reply);
      return held && sameSchedule(held, program) ? held : undefined;
    };
    await ex.send(
      ProgramCommand.RESERVATION_WRITE,
      ProgramTopics.reservationWrite,
      scheduleWriteFields(program),
    );
    const echoDeadline = start + Math.min(ECHO_WAIT_MAX_MS, timeoutMs / 2);
    if (await ex.wait(matching, echoDeadline)) return program;
    await askForSchedule(ex);
    if (await ex.wait(matching, deadline)) return program;
    throw new NavienError(
      'NAVIEN_TIMEOUT',
      `The heater ${link.device.macAddress} did not confirm the weekly program within ${seconds(timeoutMs)} s; it may have kept its old program (read it to check)`,
    );
  });
}

/**
 * Sends the TOU plan with the controller serial (§9.2) and resolves with it (in the order sent)
 * once the heater's echo equals it as a set.
 */
export function writeTou(
  link: ProgramLink,
  program: RawTouProgram,
  controllerSerialNumber: string,
  timeoutMs: number,
): Promise<RawTouProgram> {
  // Checked before anything is sent: never a TOU write without a full plan and serial (§9.2).
  const fields = touWriteFields(program, controllerSerialNumber);
  const reply = ProgramTopics.touWrite.reply;
  return withClientExchange(link.mqtt, link.ids, link.device, [reply], async (ex) => {
    const deadline = Date.now() + timeoutMs;
    await ex.send(ProgramCommand.TOU_WRITE, ProgramTopics.touWrite, fields);
    const echoed = await ex.wait(
      (r) => (r.suffix === reply && touEchoMatches(program, r.response) ? true : undefined),
      deadline,
    );
    if (!echoed) {
      throw new NavienError(
        'NAVIEN_TIMEOUT',
        `The heater ${link.device.macAddress} did not confirm the TOU plan within ${seconds(timeoutMs)} s`,
      );
    }
    return program;
  });
}
