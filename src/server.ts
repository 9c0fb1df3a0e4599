import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { RawRequest } from './protocols/raw-request.ts';
import type { Runtime } from './runtime.ts';
import { isReachable } from './storage/database.ts';
import { toRawRequest } from './gateway/raw.ts';
import { createTencentGateway } from './gateway/tencent-gateway.ts';
import { createAlibabaGateway } from './gateway/alibaba-gateway.ts';
import { tc3DirectHandler } from './gateway/tc3-direct.ts';
import { alibabaDirectHandler } from './gateway/alibaba-direct.ts';
import { AlibabaError, isAlibabaRequest } from './protocols/alibaba/index.ts';
import { TencentError } from './protocols/tencent/index.ts';
import { registerAdminApi } from './admin/admin-api.ts';
import { MAX_PATH_SEGMENT_LENGTH, sendUnroutablePath } from './admin/errors.ts';
import { TENCENT_PRODUCTS, ALIBABA_PRODUCTS, DEVICE_ENDPOINTS, SEED_SECTIONS, DOWNLOAD_ROUTES, MQTT_REALMS } from './services/registry.ts';
import { registerDownloads } from './services/downloads.ts';
import { startMqttListener, type MqttListener, type MqttStatus } from './mqtt/broker.ts';
import { mqttTlsMaterial } from './mqtt/tls-material.ts';
import { ConfigError } from './config.ts';
import { registerDeviceGateway } from './device/device-gateway.ts';
import { registerEmulatorApi, registerEmulatorControls } from './emulator/emulator-api.ts';
import { CONSOLE_API_PREFIX, registerConsoleApi } from './console/console-api.ts';
import { EMULATOR_PREFIX } from './emulator/prefix.ts';
import { emulatedSurface } from './emulator/emulated-products.ts';
import { registerConsoleAssets } from './console/static.ts';

/**
 * Header room for a 10,001-row Alibaba GET (about 1 MB of request line) and Tencent's 32 KB GET
 * limit: Node's 16 KiB default would drop such requests before Fleetgate could answer them.
 */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;
/** Room above Tencent's 10 MB TC3 limit so the gateway itself can answer RequestSizeLimitExceeded. */
export const BODY_LIMIT_BYTES = 12 * 1024 * 1024;

export interface ServerOptions {
  /** True once a shutdown has begun: /readyz then answers 503 `draining`. */
  readonly isDraining?: () => boolean;
}

/** Builds the HTTP server: cloud gateways on `/`, device endpoints by path, admin API, metrics and health checks. */
export async function buildServer(runtime: Runtime, options: ServerOptions = {}): Promise<FastifyInstance> {
  const tencent = createTencentGateway(runtime, TENCENT_PRODUCTS);
  const alibaba = createAlibabaGateway(runtime, ALIBABA_PRODUCTS);
  const tc3Direct = tc3DirectHandler(tencent.answer, BODY_LIMIT_BYTES, runtime.logger);
  const alibabaDirect = alibabaDirectHandler(alibaba.answer, runtime.logger);
  const answeredDirectly = (request: IncomingMessage, response: ServerResponse) => tc3Direct(request, response) || alibabaDirect(request, response);
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // The gateways write one line per API call themselves; Fastify's own lines would include the
    // request URL, and a v1 GET carries its Signature there.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    serverFactory: (handler) =>
      createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) => {
        if (!answeredDirectly(request, response)) handler(request, response);
      }),
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT_LENGTH },
    frameworkErrors: (error, _request, reply) => sendUnroutablePath(error, reply),
  });

  await app.register(async (gateway) => {
    // The gateways write their own line per call, with its RequestId, and Fastify's request lines
    // are off: a pino child per request would never be written to.
    gateway.setChildLoggerFactory((logger) => logger);
    // Signatures are over the exact bytes, so the gateway never lets a parser touch the body.
    gateway.removeAllContentTypeParsers();
    gateway.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    gateway.route({
      method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url: '/',
      handler: async (request, reply) => {
        const raw = toRawRequest(request);
        return isAlibabaRequest(raw) ? alibaba.handle(request, reply, raw) : tencent.handle(request, reply, raw);
      },
    });
    // Fastify refuses some requests before the route runs (a body over the hard limit, a
    // Content-Type it cannot even parse): they are still answered in the cloud's own envelope.
    gateway.setErrorHandler(async (error: { code?: string }, request, reply) => {
      if (!error.code?.startsWith('FST_ERR_CTP_')) throw error;
      const raw = toRawRequest(request);
      const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      return isAlibabaRequest(raw)
        ? alibaba.reject(reply, raw, new AlibabaError('InvalidParameter', { name: tooLarge ? 'body' : 'Content-Type' }))
        : tencent.reject(reply, raw, tooLarge ? new TencentError('RequestSizeLimitExceeded') : unsupportedProtocol(raw));
    });
    // Methods the route does not list (PROPFIND, …) reach the not-found handler: on `/` that is the
    // clouds' "unsupported method" answer, elsewhere a plain 404.
    gateway.setNotFoundHandler(async (request, reply) => {
      if (request.raw.url?.split('?')[0] !== '/') return reply.code(404).send({ error: { code: 'NotFound', message: `no route ${request.method} ${request.url}` } });
      const raw = toRawRequest(request);
      return isAlibabaRequest(raw)
        ? alibaba.reject(reply, raw, new AlibabaError('UnsupportedHTTPMethod'))
        : tencent.reject(reply, raw, new TencentError('UnsupportedProtocol'));
    });
  });

  await app.register(async (device) => registerDeviceGateway(device, runtime, DEVICE_ENDPOINTS));
  await app.register(async (downloads) => registerDownloads(downloads, runtime, DOWNLOAD_ROUTES));
  const mqtt = mqttStatus(app, runtime);
  await app.register(async (admin) => registerAdminApi(admin, runtime), { prefix: '/admin/v1' });
  const surface = emulatedSurface(TENCENT_PRODUCTS, ALIBABA_PRODUCTS, DEVICE_ENDPOINTS);
  await app.register(async (emulator) => registerEmulatorApi(emulator, runtime, surface, SEED_SECTIONS, mqtt), { prefix: EMULATOR_PREFIX });
  await app.register(async (console) => registerConsoleApi(console, runtime, (controls) => registerEmulatorControls(controls, runtime, surface, SEED_SECTIONS, mqtt)), { prefix: CONSOLE_API_PREFIX });

  await app.register(async (consoleAssets) => registerConsoleAssets(consoleAssets));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (options.isDraining?.()) return reply.code(503).send({ status: 'draining' });
    const ready = await isReachable(runtime.store);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'database unreachable' });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', runtime.metrics.registry.contentType).send(await runtime.metrics.registry.metrics()),
  );
  return app;
}

/**
 * The devices' MQTT listener, when configured: it starts with the HTTP server (a taken port fails
 * the start like the HTTP port does) and closes with it, after which every device is offline.
 */
function mqttStatus(app: FastifyInstance, runtime: Runtime): () => MqttStatus {
  const { config } = runtime;
  let listener: MqttListener | undefined;
  if (config.mqttPort !== undefined || config.mqttTlsPort !== undefined) {
    app.addHook('onReady', async () => {
      const tls = config.mqttTlsPort === undefined ? undefined : { port: config.mqttTlsPort, ...(await mqttTlsMaterial(config, runtime.now())) };
      try {
        listener = await startMqttListener(runtime, MQTT_REALMS, { host: config.host, port: config.mqttPort, tls, limits: config.mqttLimits });
      } catch (error) {
        const ports = [config.mqttPort, config.mqttTlsPort].filter((port) => port !== undefined).join(' / ');
        throw new ConfigError(`cannot listen for MQTT on ${config.host}:${ports}: ${(error as Error).message}`, 'ListenFailed');
      }
      runtime.logger.info({ port: listener.port, tlsPort: listener.tlsPort }, 'MQTT listener is serving');
    });
    app.addHook('onClose', async () => listener?.close());
  }
  return () => ({
    configured: config.mqttPort !== undefined || config.mqttTlsPort !== undefined,
    port: listener?.port,
    tlsPort: listener?.tlsPort,
    connectedDevices: listener?.connectedDevices() ?? 0,
  });
}

function unsupportedProtocol(raw: RawRequest): TencentError {
  return new TencentError('UnsupportedProtocol', { contentType: raw.headers['content-type'] ?? '' });
}
