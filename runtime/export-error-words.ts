// An export error in words for stderr and GET /health: what went wrong and what to check, whichever
// transport failed. OTLP/HTTP fails with Node's error codes; OTLP/gRPC with a status whose details carry
// the same codes as text ("14 UNAVAILABLE: No connection established. Last error: … ECONNREFUSED …").

/** Node's error codes an export fails with, and what to tell the operator. */
const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the collector running?)',
  ENOTFOUND: 'host not found (check OBS_OTLP_ENDPOINT)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'server certificate is self-signed and not trusted (set OBS_TLS_CA_FILE to its CA)',
  SELF_SIGNED_CERT_IN_CHAIN: 'server certificate chain is not trusted (set OBS_TLS_CA_FILE to the CA that signed it)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'server certificate cannot be verified (check OBS_TLS_CA_FILE)',
  CERT_HAS_EXPIRED: 'server certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'server certificate does not match the endpoint host name',
};

/** gRPC status codes an OTLP/gRPC export ends with, when no Node error code says more. */
const GRPC_STATUS: Readonly<Record<number, [name: string, words: string]>> = {
  4: ['DEADLINE_EXCEEDED', 'the export timed out (is the collector overloaded or unreachable?)'],
  7: ['PERMISSION_DENIED', 'the collector refused the export (check OBS_HEADERS and the client certificate)'],
  8: ['RESOURCE_EXHAUSTED', 'the collector is out of capacity or the request is too large'],
  12: ['UNIMPLEMENTED', 'the endpoint does not serve OTLP over gRPC (OTLP/HTTP is usually on 4318, gRPC on 4317)'],
  14: ['UNAVAILABLE', 'the collector is unavailable'],
  16: ['UNAUTHENTICATED', 'the collector refused the credentials (check OBS_HEADERS and the client certificate)'],
};

const CODE_IN_TEXT = new RegExp(`\\b(${Object.keys(HINTS).join('|')})\\b`);

/** An export error in words, with the code it came from in brackets. */
export function exportErrorInWords(error: Error | undefined): string {
  if (!error) return 'unknown error';
  const raw = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
  const msg = error.message || String(error);
  if (typeof raw === 'string' && Object.hasOwn(HINTS, raw)) return `${HINTS[raw]} [${raw}]`;
  const inText = CODE_IN_TEXT.exec(msg)?.[1];
  if (inText) return `${HINTS[inText]} [${inText}]`;
  const grpc = typeof raw === 'number' && Object.hasOwn(GRPC_STATUS, raw) ? GRPC_STATUS[raw] : undefined;
  if (grpc) {
    // The status text without its "14 UNAVAILABLE: " prefix and gRPC's empty "Resolution note: ;".
    const details = msg
      .replace(/^\d+ [A-Z_]+: ?/, '')
      .replace(/\s*Resolution note: ?;?\s*$/, '')
      .trim();
    return `${grpc[1]} [gRPC ${grpc[0]}]${details ? `: ${details}` : ''}`;
  }
  return msg;
}
