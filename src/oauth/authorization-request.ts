/** A validated /authorize request: what a sign-in must remember until it ends in a code (or tokens). */
import type { ResponseType } from './response-type.js'

export type ResponseMode = 'query' | 'fragment' | 'form_post'
export type Prompt = 'none' | 'login' | 'consent'

export interface AuthorizationRequest {
  clientId: string
  /** `null` for the org authorization server. */
  authServerId: string | null
  redirectUri: string
  responseTypes: ResponseType[]
  responseMode: ResponseMode
  scopes: string[]
  state: string
  nonce: string | null
  codeChallenge: string | null
  prompt: Prompt[]
  loginHint: string | null
  /** Seconds; `null` when not sent. */
  maxAge: number | null
}
