/** Shapes of the Navien REST API (NAVIEN-PROTOCOL.md §1) and of what the client hands out. */

/** Minimal logger the client writes to; the Node-RED glue maps it onto node.log/warn. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };

/** The token block of §1.4 as received, plus when we received it. */
export interface TokenBlock {
  idToken?: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lives (documented 3600). */
  authenticationExpiresIn: number;
  accessKeyId?: string;
  secretKey?: string;
  sessionToken?: string;
  /** Seconds the AWS credentials live; absent = never expire (§1.4). */
  authorizationExpiresIn?: number;
}

/** Tokens held by the session, with receipt times (epoch ms) that expiry counts from. */
export interface SessionTokens extends TokenBlock {
  /** When the access token block was received. */
  issuedAt: number;
  /** When the AWS credentials were received (kept across refreshes that omit them). */
  awsIssuedAt: number;
  /** userType from sign-in ("O" = owner), needed by the TOU call. */
  userType?: string;
}

/** AWS STS credentials for SigV4 signing of the MQTT WebSocket upgrade. */
export interface AwsCredentials {
  accessKeyId: string;
  secretKey: string;
  sessionToken: string;
  /** Epoch ms after which they must not be used (already includes the 5-minute margin). */
  expiresAt?: number;
}

/** Raw device entry of POST /device/list. */
export interface RawDeviceEntry {
  deviceInfo: {
    homeSeq?: number;
    macAddress: string;
    additionalValue?: string;
    deviceType?: number;
    deviceName?: string;
    connected?: number;
    installType?: string;
    modelTypeCode?: number | null;
    [key: string]: unknown;
  };
  location?: DeviceLocation | null;
  /** The cloud's record of the last fault (§9.8); list only, either key may be null or absent. */
  error?: { errorCode?: number | null; errorOccuredTime?: string | null } | null;
  descaling?: { descalingStartTime?: string | null; descalingEndTime?: string | null } | null;
}

/** The last fault the cloud recorded for a heater, readable while it is offline. */
export interface LastError {
  code: number;
  /** "E799 water leak"; "E123" for a code our table lacks. */
  text: string;
  /** ISO-8601 as the cloud sends it (no time zone, §8.46); null when it sent none. */
  time: string | null;
}

export interface DeviceLocation {
  state?: string | null;
  city?: string | null;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  altitude?: number | null;
  [key: string]: unknown;
}

/** What navien-devices emits per device: flat and friendly (issue contract). */
export interface Device {
  macAddress: string;
  additionalValue: string;
  deviceType: number;
  deviceName: string;
  homeSeq: number | null;
  connected: boolean;
  installType: string | null;
  location: DeviceLocation;
  /** The last reported fault, or null when the cloud reports none (code 0, null or absent). */
  lastError: LastError | null;
  /** Only where the cloud sends it (it may send null; the MQTT feature record has it too). */
  modelTypeCode?: number | null;
  /** Only where the cloud sends it: descaling start/end, ISO strings or null. */
  descaling?: { descalingStartTime: string | null; descalingEndTime: string | null } | null;
}

/** What navien-device-info emits: POST /device/info `data`, with `connected` made boolean. */
export interface DeviceRecord {
  deviceInfo: Record<string, unknown> & { macAddress: string; connected?: boolean };
  location: DeviceLocation;
  installer: Record<string, unknown> | null;
  alarmInfo: Record<string, unknown> | null;
  descaling?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface RawFirmware {
  macAddress?: string;
  additionalValue?: string;
  deviceType?: number;
  curSwCode: number;
  curVersion: number;
  downloadedVersion?: number | null;
  deviceGroup?: string | null;
  [key: string]: unknown;
}

export interface FirmwareComponent {
  /** Readable component name, e.g. "controller". */
  component: string;
  /** The raw component code (curSwCode). */
  code: number;
  currentVersion: number;
  downloadedVersion: number | null;
  /** True when a downloaded version waits to be installed. */
  updatePending: boolean;
  deviceGroup: string | null;
}

export interface RawTouInterval {
  week: number;
  startHour: number;
  startMinute: number;
  endHour: number;
  endMinute: number;
  /** Missing in some answers: the period then has no price (null), never NaN. */
  priceMin?: number | null;
  priceMax?: number | null;
  /** Price = value / 10^decimalPoint; absent → the protocol's default 5 (§4.3). */
  decimalPoint?: number | null;
}

export interface RawTouInfo {
  controllerId?: string;
  manufactureId?: string;
  name?: string;
  utility?: string;
  zipCode?: number | string;
  schedule: { season: number; interval: RawTouInterval[] }[];
  [key: string]: unknown;
}

export interface RawTouResponse {
  registerPath?: string;
  sourceType?: string;
  touInfo: RawTouInfo;
}

export interface TouPeriod {
  days: string[];
  start: string;
  end: string;
  /** Price per kWh; null when the plan gives none. */
  priceMin: number | null;
  priceMax: number | null;
}

export interface TouSeason {
  months: string[];
  periods: TouPeriod[];
}

export interface TouPlan {
  name: string | null;
  utility: string | null;
  zipCode: string | null;
  controllerId: string | null;
  seasons: TouSeason[];
  /** The untouched API answer. */
  raw: RawTouResponse;
}

/** What the cache layer says about an answer (issue 7: say when it came from the cache). */
export interface Cached<T> {
  value: T;
  fromCache: boolean;
  /** Epoch ms the value was fetched from the cloud. */
  fetchedAt: number;
}
