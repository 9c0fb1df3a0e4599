/**
 * IoT Hub device side (PROTOCOL.md §4): dynamic-registration signatures (current X-TC-* and
 * legacy), the encrypted registration payload, and MQTT credential checks. Pure: no I/O.
 */
export { RegisterHeaderError, candidateHosts, readRegisterHeaders, verifyLegacySignature, verifyRegisterSignature } from './register-signature.ts';
export type { DeviceHmac, RegisterSignatureHeaders } from './register-signature.ts';
export { certPlaintext, encryptRegisterPayload, pskPlaintext } from './payload.ts';
export { checkMqttPassword, parseMqttUsername } from './mqtt-credentials.ts';
export type { MqttDenial, MqttUsername } from './mqtt-credentials.ts';
