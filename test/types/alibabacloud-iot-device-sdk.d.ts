// The device SDK ships no type declarations: what the tests call, as lib/index.js, lib/thing.js and lib/utils.js define it.
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
  /** A device connection (lib/thing.js): an EventEmitter over an mqtt.js client. */
  export interface Device {
    /** 'error' and 'close' listeners get the mqtt client's arguments as one array. */
    once(event: 'connect' | 'error' | 'close', listener: (args: unknown[]) => void): this;
    on(event: 'message', listener: (topic: string, payload: Buffer) => void): this;
    off(event: 'message', listener: (topic: string, payload: Buffer) => void): this;
    subscribe(topic: string, options: { qos: 0 | 1 }, cb: (error: Error | null, granted: { topic: string; qos: number }[]) => void): void;
    publish(topic: string, payload: string, options: { qos: 0 | 1 }): void;
    end(force?: boolean, cb?: () => void): void;
    /** The SDK's own mqtt.js (3.0.0) client. */
    readonly mqttClient: { once(event: 'close', listener: () => void): void };
  }
  /** Connects at once to `brokerUrl` (or the region's host) with the triple's MQTT login (PROTOCOL 5.3). */
  export function device(config: { productKey: string; deviceName: string; deviceSecret: string; brokerUrl?: string; reconnectPeriod?: number; tls?: boolean }): Device;
}

declare module 'alibabacloud-iot-device-sdk/lib/utils.js' {
  /** The MQTT login the SDK computes from a device's triple: clientId `<pk>&<dn>`, ms timestamp, sign. */
  export function signUtil(
    device: { productKey: string; deviceName: string; deviceSecret: string },
    signMethod?: string,
  ): { clientId: string; timestamp: number; signMethod: string; sign: string };
}
