/**
 * The base of the errors that are answers, not faults: an Okta error body, an IDX message. One is
 * thrown on every refused request and turned into HTTP in one place (src/http/error-handler.ts),
 * which never logs its stack, so none is captured: a stack trace costs about 8 µs per error, about a
 * tenth of a device poll answered `authorization_pending` (docs/bench.md, "What makes mockta fast").
 */
export class AnswerError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }
}
