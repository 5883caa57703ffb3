/** The Navien Smart Control cloud (NAVIEN-PROTOCOL.md §0). */
export const DEFAULT_API_URL = 'https://nlus.naviensmartcontrol.com/api/v2.1';
export const DEFAULT_MQTT_URL = 'wss://a1t30mldyslmuq-ats.iot.us-east-1.amazonaws.com/mqtt';
export const AWS_REGION = 'us-east-1';
export const AWS_IOT_SERVICE = 'iotdevicegateway';

/** deviceType of the NWP500 heat-pump water heater. */
export const NWP500_DEVICE_TYPE = 52;

/** Tokens are treated as expired this long before their stated lifetime ends (§1.6). */
export const TOKEN_EXPIRY_MARGIN_MS = 5 * 60 * 1000;
/** The API returns at most this many devices per /device/list call (§1.8). */
export const DEVICE_PAGE_SIZE = 20;
/** Per-request timeout used by the reference library (§1.1). */
export const REQUEST_TIMEOUT_MS = 30_000;
