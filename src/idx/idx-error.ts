/**
 * The error of the IDX API (docs/identity-engine.md, "Errors"): an HTTP status and Okta's messages. The
 * IDX routes turn it into an IDX body; it never carries what the request sent.
 */
import { AnswerError } from '../errors/answer-error.js'
import type { IdxMessage } from './messages.js'

export class IdxError extends AnswerError {
  constructor(
    readonly statusCode: number,
    readonly messages: readonly IdxMessage[],
    /** Why, for logs and the journal; never sent. */
    readonly code: string,
  ) {
    super(messages[0]?.message ?? code)
    this.name = 'IdxError'
  }
}
