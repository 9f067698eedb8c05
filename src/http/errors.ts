/**
 * A failure below HTTP: no answer the client can use (a reset, a timeout, a proxy or a certificate
 * not accepted, a redirect refused). The family ky's KyError heads: callers test `instanceof
 * TransportError` and read `code` (the system's, such as ECONNRESET, or ours, such as
 * proxy_refused), never a hand-kept list of its classes. Each class lives with the code that throws it.
 */
export abstract class TransportError extends Error {
  /** What the failure is called where an API error's code would be (ApiError shows it). */
  abstract readonly code: string
}
