/** Alibaba IoT device side: dynamic-registration signs and the MQTT password (no API signature, no database). */
export { deviceSign, deviceSignContent, parseDeviceSignMethod, verifyDeviceSign, verifyRegistrationSign } from './sign.ts';
export type { DeviceSignMethod } from './sign.ts';
export { parseMqttCredentials, verifyMqttPassword } from './mqtt-password.ts';
export type { MqttCredentialsFault, MqttDeviceCredentials } from './mqtt-password.ts';
