/**
 * The reference for `mqtt-connect`: a bare Aedes broker (no authentication, no database) on the
 * MQTT port in the spec, and GET /healthz on the port given, as bench/support/serve.ts expects.
 * Usage: node --import tsx mqtt-reference.ts '{"mqttPort":N}' <httpPort>
 */
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { Aedes } from 'aedes';

const { mqttPort } = JSON.parse(process.argv[2]!) as { mqttPort: number };
const broker = await Aedes.createBroker({ maxClientsIdLength: 1024 });
const mqtt = createTcpServer(broker.handle);
await new Promise<void>((done) => mqtt.listen(mqttPort, '127.0.0.1', done));
const http = createServer((_request, response) => response.end('ok'));
http.listen(Number(process.argv[3]), '127.0.0.1');
process.on('SIGTERM', () => {
  http.close();
  mqtt.close();
  broker.close(() => process.exit(0));
});
