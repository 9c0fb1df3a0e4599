/** Enumerations of CreateProduct's optional parameters (CreateProduct and QueryProduct pages). */

/** AliyunCommodityCode: basic products without TSL, or TSL products. */
export const COMMODITY_CODES = ['iothub', 'iothub_senior'] as const;
export const BASIC_COMMODITY_CODE = 'iothub';

/** NetType as CreateProduct takes it, and the integer QueryProduct returns for it. */
export const NET_TYPE_CODES: Readonly<Record<string, number>> = { WIFI: 3, CELLULAR: 6, ETHERNET: 7, OTHER: 8 };
export const DEFAULT_NET_TYPE = 'WIFI';

export const PROTOCOL_TYPES: readonly string[] = ['modbus', 'opc-ua', 'customize', 'ble', 'zigbee'];

/** 0 passthrough / custom, 1 Alink JSON. */
export const DATA_FORMATS: readonly number[] = [0, 1];

/** 0 device (direct or sub-device), 1 gateway. */
export const NODE_TYPES: readonly number[] = [0, 1];

/** CreateProduct takes 1 (weak, the default) or 2 (none); 0 (strong) is not settable. */
export const VALIDATE_TYPES: readonly number[] = [1, 2];
export const DEFAULT_VALIDATE_TYPE = 1;

/** Device authentication Fleetgate implements: the DeviceSecret. */
export const SECRET_AUTH = 'secret';
