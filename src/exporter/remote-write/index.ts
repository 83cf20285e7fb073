// Prometheus Remote-Write 1.0 export: config (flags), encoder (store -> WriteRequests) and sink (queue, HTTP).
export { parseRemoteWriteConfig, type RemoteWriteConfig, type RemoteWriteFlags } from "./config.js";
export { encodeStore, type EncodeOptions, type EncodedRequest } from "./encoder.js";
export { RemoteWriteSink, MAX_SAMPLES_PER_REQUEST, type RemoteWriteStats } from "./sink.js";
export { writeRequestType, REMOTE_WRITE_PROTO } from "./proto.js";
