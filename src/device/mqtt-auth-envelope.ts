import { DeviceRefusal, type DeviceEnvelope, type PipelineFault } from './device-endpoint.ts';

/**
 * Answers for a broker's HTTP authentication plugin. EMQX's `http` authenticator reads
 * `{"result":"allow"|"deny"}` from an HTTP 200; status-mode plugins (mosquitto-go-auth) allow on
 * 200 only. So an allow is 200 `{"result":"allow","is_superuser":false}` and every refusal,
 * the pipeline's own faults included, is 403 `{"result":"deny","reason"}`: both kinds deny.
 */
const DENY = 'deny';

const FAULT_REASONS: Readonly<Record<PipelineFault, string>> = {
  methodNotAllowed: 'only POST is supported',
  bodyTooLarge: 'request body too large',
  malformedBody: 'the request body must be a JSON object with clientid, username and password',
  rateLimited: 'request rate limit exceeded',
  replayed: 'replayed request',
  internal: 'internal error',
};

export const mqttAuthEnvelope: DeviceEnvelope = {
  surface: 'device-tencent',
  success: () => ({ status: 200, body: JSON.stringify({ result: 'allow', is_superuser: false }) }),
  refusal: (_requestId, refusal) => ({ status: 403, body: JSON.stringify({ result: DENY, reason: refusal.message }) }),
  fault: (fault) => new DeviceRefusal(DENY, FAULT_REASONS[fault]),
};
