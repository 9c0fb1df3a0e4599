import { DEFAULT_DEVICE_RATE_LIMIT, stringField, type DeviceEndpoint } from '../../../device/device-endpoint.ts';
import { alibabaDeviceEnvelope, alibabaDeviceRefusal } from '../../../device/alibaba-envelope.ts';

/**
 * HTTPS dynamic registration (Alibaba IoT Platform docs, "Dynamic registration over HTTPS"): `POST /auth/register/device` with form fields
 * productKey, deviceName, random, sign, signMethod. Until it is implemented no product has
 * dynamic registration on: 6250 "product not found", the documented code closest to that.
 */
export const registerDeviceEndpoint: DeviceEndpoint = {
  path: '/auth/register/device',
  name: 'DynamicRegister',
  product: 'iot',
  envelope: alibabaDeviceEnvelope,
  bodyFormat: 'form',
  rateLimit: { perSecond: DEFAULT_DEVICE_RATE_LIMIT, subject: (params) => stringField(params, 'productKey') },
  handle: async () => {
    throw alibabaDeviceRefusal(6250, 'Fleetgate does not implement device-side dynamic registration yet, so no product can register devices');
  },
};

export const iotDeviceEndpoints: readonly DeviceEndpoint[] = [registerDeviceEndpoint];
