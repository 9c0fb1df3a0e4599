import { DEFAULT_DEVICE_RATE_LIMIT, DeviceRefusal, stringField, type DeviceEndpoint } from '../../../device/device-endpoint.ts';
import { LEGACY_CODES, tencentDeviceEnvelope, tencentDeviceRefusal, tencentLegacyDeviceEnvelope } from '../../../device/tencent-envelopes.ts';

const NOT_IMPLEMENTED = 'Fleetgate does not implement IoT Hub products or device-side dynamic registration yet, so no product can register devices.';

/**
 * IoT Hub dynamic registration, current protocol (IoT Hub docs, "Dynamic registration", device/register): `POST /device/register`
 * with a JSON body signed in X-TC-* headers. Until it is implemented every product is unknown
 * to it: ResourceNotFound.ProductNotExist, the catalog's code for an unknown product.
 */
export const dynamicRegisterEndpoint: DeviceEndpoint = {
  path: '/device/register',
  name: 'DynamicRegister',
  product: 'iotcloud',
  envelope: tencentDeviceEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT, subject: (params) => stringField(params, 'ProductId') },
  handle: async () => {
    throw tencentDeviceRefusal('ResourceNotFound.ProductNotExist', { detail: `The product does not exist. ${NOT_IMPLEMENTED}` });
  },
};

/**
 * IoT Hub dynamic registration, legacy protocol (IoT Hub docs, legacy "register/dev"): `POST /register/dev`, a
 * JSON body (labelled as a form by the old C SDK) signed in its `signature` field.
 */
export const legacyRegisterEndpoint: DeviceEndpoint = {
  path: '/register/dev',
  name: 'LegacyRegister',
  product: 'iotcloud',
  envelope: tencentLegacyDeviceEnvelope,
  bodyFormat: 'json',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT, subject: (params) => stringField(params, 'productId') },
  handle: async () => {
    throw new DeviceRefusal(LEGACY_CODES.notFound, `product not found: ${NOT_IMPLEMENTED}`);
  },
};

export const iotcloudDeviceEndpoints: readonly DeviceEndpoint[] = [dynamicRegisterEndpoint, legacyRegisterEndpoint];
