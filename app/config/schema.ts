// The whole configuration of a Surge process, with defaults that make `npm start` work on a
// fresh clone (embedded mode). The system's own sections are here; each service's section is its
// own (services/<name>/config.ts), joined in from the list of services, so one file configures
// every process and a typo in any section stops the start. docs/configuration.md mirrors it.
import { Type, type Static } from 'typebox';
import { serviceSections, settings } from '#kit/service';
import { serviceList } from '../../services/index.js';

const { section, int, str, period } = settings;

const systemSections = {
  http: section({
    host: str('0.0.0.0'),
    port: int(8080, 0, 65535),
    /** Largest JSON body accepted, bytes. */
    bodyLimitBytes: int(1 << 20, 1024),
    /** Honour X-Forwarded-For when behind a proxy (per-IP limits then see the client). */
    trustProxy: Type.Boolean({ default: false }),
    /** Write the replies of one event-loop turn together at its end (gateway/plugins/turn-writes.ts). */
    batchReplies: Type.Boolean({ default: true }),
    /**
     * New connections accepted per event-loop turn at most: the listening socket is read through
     * this many descriptors (#kit/listener). 1 = libuv's own one per turn, which makes a burst of
     * clients connecting to a busy gateway wait one turn each.
     */
    acceptsPerTurn: int(16, 1, 256),
    /**
     * host[:port] values a client's Host (X-Forwarded-Host with trustProxy) may put in the URLs of
     * blobs the gateway serves. [] = the machine's own names (localhost, its addresses, its host
     * name) at the port the request came in on, so a phone on the LAN works unconfigured; any
     * other Host gets the address the client reached. douyin.publicBaseUrl, when set, wins.
     */
    publicHosts: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    /** The faces (HTTP APIs, gateway/faces.ts) this gateway serves, by name; [] = every one. An unknown name stops the start. */
    faces: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    /** Cross-origin browser access (gateway/plugins/cors.ts); origins checked at start. */
    cors: section({
      /** Origins (scheme://host[:port], as browsers send them) allowed to call the API; ['*'] = any; [] = no CORS headers. */
      origins: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
      /** Access-Control-Allow-Credentials (cookies, HTTP auth); never with '*'. */
      credentials: Type.Boolean({ default: false }),
      /** How long browsers may cache a preflight answer. */
      maxAgeSeconds: int(600, 0, 86_400),
    }),
  }),
  /** Where embedded mode keeps SQLite files and blobs. */
  dataDir: str('./data', { minLength: 1 }),
  log: section({
    level: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
    /** One line per HTTP request. */
    requests: Type.Boolean({ default: true }),
  }),
  auth: section({
    /**
     * HS256 signing secret, at least 32 characters. '' (the default) = not configured: embedded mode
     * makes a random one on first start and keeps it in <dataDir>/secrets.json (app/config/secrets.ts);
     * any other mode refuses to start without one (every process must share it).
     */
    jwtSecret: str(''),
    tokenTtlSeconds: int(7 * 24 * 3600, 60),
    /**
     * A gateway asks the user service whether a token's account still exists at most once per this
     * many seconds per account (#kit/auth createCallers); 0 asks on every signed-in request.
     */
    accountCheckSeconds: int(60, 0, 3600),
    /** Master key for personal data encrypted at rest (mobile numbers): 32 random bytes in base64. '' = as for jwtSecret. */
    fieldKey: str(''),
    /**
     * Password hashing cost, log2 of scrypt's N (r = 8, p = 1). Default 17, OWASP's minimum for scrypt
     * (128 MiB, ~0.3 s per hash). Test systems and benchmark seeding lower it, where hashing is not
     * what is measured; never lower it for real accounts. Raising it rehashes each password at its
     * owner's next sign-in.
     */
    passwordCost: int(17, 10, 20),
  }),
  database: section({
    driver: Type.Union([Type.Literal('sqlite'), Type.Literal('mysql')], { default: 'sqlite' }),
    mysql: section({
      host: str('127.0.0.1'),
      port: int(3306, 1, 65535),
      user: str('root'),
      password: str(''),
      /** Each service gets the database <prefix>_<service>. */
      databasePrefix: str('surge', { pattern: '^[A-Za-z0-9_]{1,32}$' }),
      poolSize: int(10, 1, 1000),
      connectTimeoutMs: int(2000, 100),
    }),
  }),
  cache: section({
    driver: Type.Union([Type.Literal('memory'), Type.Literal('redis')], { default: 'memory' }),
    redis: section({ url: str('redis://127.0.0.1:6379'), keyPrefix: str('surge:') }),
    ttlSeconds: int(600, 1),
    notFoundTtlSeconds: int(60, 1),
    /** The in-process tier in front of Redis. */
    localMaxEntries: int(10_000, 0),
    localTtlMs: int(10_000, 0),
    /** While Redis is down, at most this many loads per second reach the database. */
    fallbackRatePerSec: int(500, 1),
  }),
  queue: section({
    driver: Type.Union([Type.Literal('memory'), Type.Literal('nats')], { default: 'memory' }),
    nats: section({ servers: Type.Array(Type.String(), { default: ['nats://127.0.0.1:4222'], minItems: 1 }), namespace: str('surge', { pattern: '^[A-Za-z0-9_-]{1,32}$' }) }),
  }),
  blob: section({
    driver: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
    maxBytes: int(100 * 1024 * 1024, 1),
    s3: section({
      endpoint: str(''),
      region: str('us-east-1'),
      bucket: str('surge'),
      accessKeyId: str(''),
      secretAccessKey: str(''),
      forcePathStyle: Type.Boolean({ default: true }),
      publicBaseUrl: str(''),
    }),
  }),
  ids: section({ workerId: int(0, 0, 127) }),
  registry: section({
    driver: Type.Union([Type.Literal('memory'), Type.Literal('etcd')], { default: 'memory' }),
    etcd: section({
      hosts: Type.Array(Type.String(), { default: ['127.0.0.1:2379'], minItems: 1 }),
      prefix: str('/surge/'),
      leaseTtlSeconds: int(10, 2, 3600),
    }),
  }),
  rpc: section({
    timeoutMs: int(2000, 1),
    /** Round-trip in-process calls through the protobuf codecs (tests turn it on). */
    codecCheck: Type.Boolean({ default: false }),
    /** Where a service process listens (framed protocol, gRPC, and its ops page: /metrics + /healthz under ops.token); 0 = any free port. */
    host: str('127.0.0.1'),
    /** The address other processes use to reach this one; empty = rpc.host. */
    advertiseHost: str(''),
    framedPort: int(0, 0, 65535),
    grpcPort: int(0, 0, 65535),
    metricsPort: int(0, 0, 65535),
    /** On SIGTERM: how long in-flight calls may take to finish after deregistering. */
    drainMs: int(5000, 0),
    /** Fault injection for tests and drills: a service process delays every handler by this much (0 = off). */
    injectDelayMs: int(0, 0, 60_000),
    /**
     * Mutual TLS on the framed and gRPC ports (docs/deploy.md): servers take only callers whose certificate
     * chains to ca; clients present cert/key and accept only servers whose certificate does. Paths of PEM files.
     */
    tls: section({
      enabled: Type.Boolean({ default: false }),
      ca: str(''),
      cert: str(''),
      key: str(''),
      /** A DNS name the servers' certificates must carry; '' = the chain to ca alone (instances are dialled by IP). */
      serverName: str(''),
    }),
  }),
  limits: section({
    loginPerIp: period(30, 60),
    loginPerAccount: period(10, 300),
    codePerIp: period(5, 60),
    /** Codes to one mobile in a short period, on top of the user service's daily quota. */
    codePerMobile: period(1, 60),
    /** Images one user may upload to the community (POST /api/v1/community/uploads) per period. */
    imageUploadsPerUser: period(30, 3600),
  }),
  /**
   * Who may read the ops pages, /metrics and /healthz (counters, dependency names and their errors).
   * /livez and /readyz say only "up" and stay open for probes; /docs and /openapi.json describe the public API.
   */
  ops: section({
    /** A listener of their own for the ops pages (they then leave the API port); 0 = served on the API port (http.port). */
    port: int(0, 0, 65535),
    /** Where that listener binds: loopback, so only this machine reaches it unless an operator opens it. */
    host: str('127.0.0.1'),
    /**
     * A bearer token that opens the ops pages to any caller that sends it (at least 32 characters);
     * '' = none: on the API port only direct loopback callers are served, on their own listener
     * (ops.port, a service's rpc.metricsPort) whoever reaches its address.
     */
    token: str(''),
    /** SIGUSR2 writes a CPU profile this long, then a heap snapshot, to <dataDir>/profiles (app/roles/profiling.ts). */
    profileSeconds: int(10, 1, 300),
  }),
  /** `surge up --monitoring`: Prometheus and Alertmanager on this machine (app/monitoring, deploy/prometheus). */
  monitoring: section({
    /** Prometheus's port on loopback (not 9090: Debian's own Prometheus service takes that one where systemd starts it). */
    prometheusPort: int(9190, 1, 65535),
    alertmanagerPort: int(9193, 1, 65535),
    /** How often every target is scraped and every rule evaluated. */
    scrapeIntervalSeconds: int(5, 1, 300),
    /** Also scrape Redis and MariaDB through Debian's prometheus-redis-exporter and prometheus-mysqld-exporter (installed when missing). */
    exporters: Type.Boolean({ default: true }),
    /** First of the two ports the exporters listen on (Redis, then MariaDB), on loopback. */
    exporterPort: int(9195, 1, 65534),
  }),
  douyin: section({
    /** Comment dates (MM-DD) are shown in this IANA time zone, where the client's users are. */
    timeZone: str('Asia/Shanghai', { minLength: 1 }),
    /** Base of play_url/cover_url for blobs the gateway serves (e.g. https://api.example.com); '' = from the request's Host. */
    publicBaseUrl: str('', { pattern: '^(https?://[^\\s/]+(/[^\\s]*)?)?$' }),
    /** Largest form body without a file (query-style parameters), bytes. Uploads use blob.maxBytes. */
    formLimitBytes: int(1 << 20, 1024),
    /** Uploads one user may have in flight at once, per gateway process. */
    uploadsPerUser: int(2, 1),
    /** Uploads one gateway process takes at once, from everyone; more are refused (Overloaded) before their body is read. */
    uploadsInFlight: int(16, 1),
    /** Upload bodies one address may have open before their token (a form field) is read, per gateway process. */
    uploadsPerAddress: int(4, 1),
    /**
     * The feed's newest page (videos and authors) is loaded once per this many ms on each gateway
     * process and shared by every viewer meanwhile; each viewer's follow and like flags are always
     * read fresh. 0: every request loads its page.
     */
    feedCacheMs: int(1000, 0, 60_000),
  }),
  /** The mall's HTTP API (gateway/mall, docs/api/mall.md); each mall service has its own section. */
  mall: section({
    /**
     * A product's detail and a page of a category list or a search are built once per this many
     * ms on each gateway process and served to every shopper meanwhile (gateway/mall/pages.ts).
     * 0: every request builds its reply.
     */
    pageCacheMs: int(1000, 0, 60_000),
  }),
  /** The community's HTTP API (gateway/community, docs/api/community.md); each community service has its own section. */
  community: section({
    /**
     * Anonymous article pages (a detail, an author's list) are built once per this many ms on each
     * gateway process and served to every anonymous reader meanwhile; a signed-in reader's counts
     * and like flag are always read fresh. 0: every request builds its page.
     */
    pageCacheMs: int(1000, 0, 60_000),
  }),
  /** The chat room's WebSocket (gateway/chat, docs/api/chat.md); the rooms and messages are the chat service's section. */
  chatSocket: section({
    /** Chat connections one user may hold on one gateway process; one more is refused (429) before the upgrade. */
    maxConnectionsPerUser: int(5, 1, 1000),
    /** Rooms one connection may be in at once. */
    maxRoomsPerConnection: int(20, 1, 1000),
    /** Messages one user may send per second, from all their connections (across gateway processes on the servers). */
    sendsPerSecond: int(5, 1, 1000),
    /** A connection whose unsent frames pass this many bytes reads too slowly: it is closed (4008). */
    maxBufferedBytes: int(1 << 20, 16_384, 64 << 20),
    /** The server pings every connection this often; one that did not answer the previous ping is dropped. */
    pingIntervalSeconds: int(25, 1, 600),
    /** A connection in no room for this long is closed (4000). */
    idleTimeoutSeconds: int(60, 5, 86_400),
    /**
     * "joined" and "left" go to the room's members while it has at most this many users online;
     * past it, members learn who is there from presence frames only (a crowd joining a room would
     * otherwise send every arrival to everyone: N² frames). 0: never.
     */
    joinEventsMaxOnline: int(100, 0, 100_000),
    /** A connection's presence lasts this long without a refresh: a dead gateway's users are gone from rooms after it. */
    presenceTtlSeconds: int(60, 3, 3600),
    /** Origins (scheme://host[:port]) besides the gateway's own host whose pages may open the socket; ['*'] = any. */
    allowedOrigins: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { default: [], maxItems: 100 }),
  }),
  tracing: section({
    /** 'none': no spans at all (and no cost); 'otlp': spans exported to an OpenTelemetry collector. */
    exporter: Type.Union([Type.Literal('none'), Type.Literal('otlp')], { default: 'none' }),
    otlpUrl: str('http://127.0.0.1:4318/v1/traces'),
    /** Share of new traces recorded when exporting; a request continuing a trace follows its caller's decision. */
    sampleRatio: Type.Number({ default: 1, minimum: 0, maximum: 1 }),
  }),
};

export const ConfigSchema = Type.Object({ ...systemSections, ...serviceSections(serviceList) }, { additionalProperties: false, default: {} });

export type Config = Static<typeof ConfigSchema>;
