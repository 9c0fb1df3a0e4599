// Apart from serve.ts so that `--help` and every other command load without the server (see main.ts).
/** `serve --help` lists the settings that have no flag after the options. */
export const SERVE_ENVIRONMENT_HELP = `
Settings read only from the environment:
  FLEETGATE_MASTER_KEY                 32-byte key (base64 or 64 hex digits) sealing secrets at rest
                                       (default: generated <data dir>/master.key)
  FLEETGATE_ADMIN_TOKEN                admin API bearer token (default: generated <data dir>/admin.token)
  FLEETGATE_RATE_LIMIT                 Tencent requests per second per account per action (default 20)
  FLEETGATE_RATE_LIMITS                overrides, e.g. tencent.mna:GetHardwareInfo=100,alibaba.iot:*=500
  FLEETGATE_TENCENT_SECRET_ID          the default account's Tencent key pair, applied on the first
  FLEETGATE_TENCENT_SECRET_KEY         start only (set both or neither)
  FLEETGATE_ALIBABA_ACCESS_KEY_ID      the default account's Alibaba key pair, applied on the first
  FLEETGATE_ALIBABA_ACCESS_KEY_SECRET  start only (set both or neither)
  FLEETGATE_SEED_FILE                  same as --seed
  FLEETGATE_LENIENT_SIGNATURES         1 for --lenient-signatures
  FLEETGATE_SHUTDOWN_GRACE_SECONDS     on SIGTERM, how long /readyz reports draining before the
                                       listener closes (default 5; SIGINT skips it)
  FLEETGATE_MQTT_TLS_KEY_FILE          PEM key and certificate of the MQTT TLS listener (set both or
  FLEETGATE_MQTT_TLS_CERT_FILE         neither: default generated <data dir>/mqtt-tls.{key,crt})
  FLEETGATE_MQTT_REVALIDATE_SECONDS    how often MQTT connections are checked against the database
                                       for revocations made on other nodes (default 30)
  FLEETGATE_MQTT_MAX_CONNECTIONS       devices connected to this node at once (default 100000)
  FLEETGATE_MQTT_CONNECTS_PER_IP       MQTT CONNECTs per second from one address (default 100;
                                       0: no limit; shared by all nodes with Redis)
  FLEETGATE_MQTT_CONNECT_TIMEOUT_SECONDS
                                       close a socket without TLS handshake and CONNECT by then
                                       (default 10)
  FLEETGATE_IOTHUB_REGISTER_WINDOW_SECONDS
                                       IoT Hub dynamic registration: seconds the signed timestamp may
                                       be from the clock (default 0: no clock check)
  FLEETGATE_PUBLIC_URL                 where clients reach this server: the origin of links answers
                                       carry (default http:// + the Host the caller signed)
`;
