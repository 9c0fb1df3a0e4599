// The device SDK ships no type declarations: the two functions the tests call, as lib/utils.js defines them.
declare module 'alibabacloud-iot-device-sdk' {
  export interface RegisterAnswer {
    code: number;
    message?: string;
    data?: { productKey: string; deviceName: string; deviceSecret: string };
  }
  /** HTTPS dynamic registration; `cb` gets the answer body, or what went wrong. */
  export function register(
    options: { productKey: string; productSecret: string; deviceName: string; random?: string; signMethod?: string; registerURL?: string },
    cb: (answer: RegisterAnswer | Error) => void,
  ): void;
}

declare module 'alibabacloud-iot-device-sdk/lib/utils.js' {
  /** The MQTT login the SDK computes from a device's triple: clientId `<pk>&<dn>`, ms timestamp, sign. */
  export function signUtil(
    device: { productKey: string; deviceName: string; deviceSecret: string },
    signMethod?: string,
  ): { clientId: string; timestamp: number; signMethod: string; sign: string };
}
