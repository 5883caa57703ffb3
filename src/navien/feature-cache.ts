/**
 * The account's feature records ("DID", protocol §2.7): cached for 30 minutes per device, one
 * request in flight per device, and fed by every feature message a status stream sees. The
 * controller serial the TOU calls need comes from here too.
 */
import { NavienError, toNavienError } from './errors';
import type { DeviceAddress } from './mqtt/topics';

/** How long a feature record (capabilities, controller serial) stays fresh (protocol §2.7). */
const FEATURE_TTL_MS = 30 * 60 * 1000;

type Feature = Record<string, unknown>;

interface CachedFeature {
  value: Feature;
  fetchedAt: number;
}

export class FeatureCache {
  private readonly cached = new Map<string, CachedFeature>();
  private readonly inFlight = new Map<string, Promise<Feature>>();

  /** `fetch` asks the device over MQTT; it is called at most once at a time per device. */
  constructor(
    private readonly fetch: (device: DeviceAddress) => Promise<Feature>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(device: DeviceAddress, opts: { fresh?: boolean } = {}): Promise<Feature> {
    const cached = this.cached.get(device.macAddress);
    if (!opts.fresh && cached && this.now() - cached.fetchedAt < FEATURE_TTL_MS)
      return cached.value;
    const pending = this.inFlight.get(device.macAddress);
    if (pending) return pending;
    const request = this.fetch(device)
      .then((feature) => {
        this.remember(device.macAddress, feature);
        return feature;
      })
      .finally(() => this.inFlight.delete(device.macAddress));
    this.inFlight.set(device.macAddress, request);
    return request;
  }

  /** Status streams and control queues see feature messages too; keep them. */
  remember(mac: string, feature: Feature): void {
    this.cached.set(mac, { value: feature, fetchedAt: this.now() });
  }

  /** The controller serial number the TOU API needs (from the feature record). */
  async controllerSerial(device: DeviceAddress): Promise<string> {
    let feature: Feature;
    try {
      feature = await this.get(device);
    } catch (err) {
      const cause = toNavienError(err);
      throw new NavienError(
        cause.code === 'NAVIEN_INVALID_CREDENTIALS' ? cause.code : 'NAVIEN_MQTT_UNAVAILABLE',
        `The TOU plan needs the controller serial number, which comes from the device over MQTT, and it could not be read (${cause.message}). Set msg.controllerId or the node's Controller ID to skip this step.`,
        { cause, retriable: cause.retriable },
      );
    }
    const serial = feature.controllerSerialNumber;
    if (typeof serial !== 'string' || !serial) {
      throw new NavienError(
        'NAVIEN_UNSUPPORTED',
        'The device did not report a controller serial number; set msg.controllerId or the Controller ID field',
      );
    }
    return serial;
  }
}
