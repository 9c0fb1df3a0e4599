import { readReference } from './reference.ts';

/** reference/alibaba/test-vectors.json: HTTPS dynamic registration (PROTOCOL 5.1). */
export interface DynregVector {
  productKey: string;
  deviceName: string;
  productSecret: string;
  random: string;
  signMethod: string;
  stringToSign: string;
  sign_lower: string;
  sign_upper: string;
}

/** MQTT connect credentials (PROTOCOL 5.3). */
export interface MqttVector {
  clientId: string;
  deviceName: string;
  productKey: string;
  timestamp: string | null;
  signmethod: string;
  deviceSecret: string;
  mqttClientId: string;
  mqttUsername: string;
  stringToSign: string;
  password: string;
}

/** MQTT dynamic registration (PROTOCOL 5.2). */
export interface MqttDynregVector {
  productKey: string;
  deviceName: string;
  productSecret: string;
  random: string;
  signmethod: string;
  stringToSign: string;
  password: string;
}

export const alibabaVectors = readReference<{
  dynamic_registration_https: { vectors: DynregVector[] };
  mqtt_password: { vectors: MqttVector[] };
  mqtt_dynamic_registration: { vectors: MqttDynregVector[] };
}>('alibaba/test-vectors.json');
