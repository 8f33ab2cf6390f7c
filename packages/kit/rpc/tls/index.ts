// Mutual TLS for the framed protocol and gRPC: the options both doors take (docs/deploy.md, "Internal ports and mutual TLS").
export { resolveTlsOptions, type PemSource, type ResolvedTls, type TlsOptions } from './options.js';
