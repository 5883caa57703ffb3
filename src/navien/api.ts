import { DEVICE_PAGE_SIZE } from './constants';
import { toDeviceRecord, toDevices } from './decode/devices';
import { toFirmwareComponents } from './decode/firmware';
import { decodeTou } from './decode/tou';
import { NavienError } from './errors';
import type { NavienRequest } from './http';
import { normalizeMac } from './mac';
import type { NavienSession } from './session';
import type {
  Cached,
  Device,
  DeviceRecord,
  FirmwareComponent,
  RawFirmware,
  RawTouResponse,
  TouPlan,
} from './types';

export interface NavienApiOptions {
  session: NavienSession;
  /** The account e-mail: the API's `userId`. */
  email: string;
  /** How long answers are reused (default 60 s; the docs ask for ≥ 1 min between polls). */
  cacheTtlMs?: number;
  now?: () => number;
}

export interface FetchOptions {
  /** Skip the cache (a call already in flight is still shared). */
  fresh?: boolean;
}

export type DeviceRef = Pick<Device, 'macAddress' | 'additionalValue'>;

/** Stops a broken server from paging forever. */
const MAX_DEVICE_PAGES = 50;

interface Entry<T> {
  value: T;
  fetchedAt: number;
}

/**
 * The REST endpoints a flow uses, with a per-instance cache and coalescing of identical calls
 * in flight, so many nodes polling the same account cause one request per TTL.
 */
export class NavienApi {
  private readonly session: NavienSession;
  private readonly email: string;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, Entry<unknown>>();
  private readonly inFlight = new Map<string, Promise<Entry<unknown>>>();
  /** Bumped by invalidate() so answers already under way are not cached afterwards. */
  private generation = 0;
  /** Counters for diagnostics: answers from the cache, cloud fetches, callers that joined one. */
  readonly stats = { cacheHits: 0, fetches: 0, shared: 0 };

  constructor(opts: NavienApiOptions) {
    this.session = opts.session;
    this.email = opts.email.trim();
    this.ttlMs = opts.cacheTtlMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Every device on the account (follows pagination, 20 per page). */
  async listDevices(opts: FetchOptions = {}): Promise<Cached<Device[]>> {
    return this.cached('device-list', opts, async () => {
      const devices: Device[] = [];
      for (let page = 0; page < MAX_DEVICE_PAGES; page++) {
        const data = await this.session.request<unknown>({
          method: 'POST',
          path: '/device/list',
          body: { offset: page * DEVICE_PAGE_SIZE, count: DEVICE_PAGE_SIZE, userId: this.email },
        });
        const batch = toDevices(data);
        devices.push(...batch);
        if (batch.length < DEVICE_PAGE_SIZE) break;
      }
      return devices;
    });
  }

  /** One device by MAC (any common spelling) from the device list. */
  async getDevice(mac: string, opts: FetchOptions = {}): Promise<Cached<Device>> {
    const wanted = normalizeMac(mac);
    const list = await this.listDevices(opts);
    const device = list.value.find((d) => d.macAddress.toLowerCase() === wanted);
    if (!device) {
      const count = list.value.length;
      throw new NavienError(
        'NAVIEN_DEVICE_NOT_FOUND',
        `No device with MAC ${wanted} on this Navien account (it has ${count} device${count === 1 ? '' : 's'})`,
      );
    }
    return { value: device, fromCache: list.fromCache, fetchedAt: list.fetchedAt };
  }

  /** POST /device/info. */
  async deviceInfo(device: DeviceRef, opts: FetchOptions = {}): Promise<Cached<DeviceRecord>> {
    const body = this.deviceBody(device);
    return this.cached(`device-info ${JSON.stringify(body)}`, opts, async () =>
      toDeviceRecord(
        await this.session.request<unknown>({ method: 'POST', path: '/device/info', body }),
      ),
    );
  }

  /** POST /device/firmware/info. */
  async firmware(device: DeviceRef, opts: FetchOptions = {}): Promise<Cached<FirmwareComponent[]>> {
    const body = this.deviceBody(device);
    return this.cached(`firmware ${JSON.stringify(body)}`, opts, async () =>
      toFirmwareComponents(
        await this.session.request<{ firmwares: RawFirmware[] }>({
          method: 'POST',
          path: '/device/firmware/info',
          body,
        }),
      ),
    );
  }

  /** GET /device/tou; `controllerId` is the controller serial number from the MQTT feature record. */
  async tou(
    device: DeviceRef,
    controllerId: string,
    opts: FetchOptions = {},
  ): Promise<Cached<TouPlan>> {
    if (typeof controllerId !== 'string' || controllerId.trim() === '') {
      throw new NavienError(
        'NAVIEN_INVALID_INPUT',
        'The TOU call needs the controller serial number (controllerId) of the heater',
      );
    }
    const base = { ...this.deviceBody(device), controllerId: controllerId.trim() };
    return this.cached(`tou ${JSON.stringify(base)}`, opts, async () => {
      // userType comes from sign-in; make sure we have signed in before reading it.
      await this.session.getTokens();
      const req: Omit<NavienRequest, 'token'> = {
        method: 'GET',
        path: '/device/tou',
        query: {
          additionalValue: base.additionalValue,
          controllerId: base.controllerId,
          macAddress: base.macAddress,
          userId: this.email,
          userType: this.session.userType ?? 'O',
        },
      };
      return decodeTou(await this.session.request<RawTouResponse>(req));
    });
  }

  /** The last device list fetched, however old, without any request (diagnostics). */
  lastDeviceList(): { devices: readonly Device[]; fetchedAt: number } | undefined {
    const entry = this.cache.get('device-list') as Entry<Device[]> | undefined;
    return entry && { devices: entry.value, fetchedAt: entry.fetchedAt };
  }

  /** Forgets every cached answer (calls already in flight are not cached either). */
  invalidate(): void {
    this.cache.clear();
    this.generation++;
  }

  private deviceBody(device: DeviceRef): {
    macAddress: string;
    additionalValue: string;
    userId: string;
  } {
    if (!device || typeof device.macAddress !== 'string' || device.macAddress === '') {
      throw new NavienError('NAVIEN_INVALID_INPUT', 'A device with a MAC address is required');
    }
    return {
      macAddress: device.macAddress,
      additionalValue: device.additionalValue ?? '',
      userId: this.email,
    };
  }

  /** Cache lookup, else one shared fetch per key; errors are never cached. */
  private async cached<T>(
    key: string,
    opts: FetchOptions,
    fetch: () => Promise<T>,
  ): Promise<Cached<T>> {
    const hit = this.cache.get(key) as Entry<T> | undefined;
    if (!opts.fresh && hit && this.now() - hit.fetchedAt < this.ttlMs) {
      this.stats.cacheHits++;
      return { value: structuredClone(hit.value), fromCache: true, fetchedAt: hit.fetchedAt };
    }
    let pending = this.inFlight.get(key) as Promise<Entry<T>> | undefined;
    if (pending) this.stats.shared++;
    else {
      this.stats.fetches++;
      const generation = this.generation;
      const started: Promise<Entry<T>> = fetch()
        .then((value) => {
          const entry = { value, fetchedAt: this.now() };
          if (generation === this.generation) this.cache.set(key, entry);
          return entry;
        })
        .finally(() => {
          if (this.inFlight.get(key) === started) this.inFlight.delete(key);
        });
      this.inFlight.set(key, started);
      pending = started;
    }
    const entry = await pending;
    // Each caller gets its own copy: flows may modify msg.payload.
    return { value: structuredClone(entry.value), fromCache: false, fetchedAt: entry.fetchedAt };
  }
}
