/**
 * `POST /api/v1/authn/credentials/change_password` (docs/authentication-api.md § 1.5): in a
 * PASSWORD_EXPIRED transaction, the old password and a new one that meets the policy. The transaction
 * ends first (one winner), then the user's password is replaced and their status becomes ACTIVE
 * through `update` (the runtime data, shared by replicas), then a session token is issued.
 */
import type { AppContext, Directory } from '../context.js'
import { safeEqual } from '../crypto/safe-equal.js'
import { credentialsUpdateFailed, illegalAuthState, invalidStateToken, passwordPolicyViolation } from '../errors/oauth-error.js'
import { meetsPasswordPolicy, PASSWORD_REQUIREMENTS_NOT_MET_TEXT } from '../registry/password-policy.js'
import { issueSessionToken, type AuthnOutcome } from './primary-authentication.js'
import { openTransaction, stepTransaction } from './transaction.js'

export interface ChangePasswordRequest {
  stateToken: unknown
  oldPassword: string
  newPassword: string
}

export async function changeExpiredPassword(ctx: AppContext, directory: Directory, request: ChangePasswordRequest): Promise<AuthnOutcome> {
  const open = await openTransaction(ctx, request.stateToken)
  if (open.record.status !== 'PASSWORD_EXPIRED') throw illegalAuthState()
  const { user } = open
  if (!safeEqual(request.oldPassword, user.password)) throw credentialsUpdateFailed('oldPassword: The credentials provided were incorrect.')
  if (request.newPassword === request.oldPassword) throw credentialsUpdateFailed('password: Password cannot be your current password')
  if (!meetsPasswordPolicy(request.newPassword, user.login)) throw passwordPolicyViolation(PASSWORD_REQUIREMENTS_NOT_MET_TEXT)
  if (!(await stepTransaction(ctx, open, null))) throw invalidStateToken()
  if (!(await directory.setPassword(user.id, request.newPassword))) throw invalidStateToken()
  const changed = ctx.users.get(user.id) ?? user
  return issueSessionToken(ctx, changed, open.record.authTime, open.record.amr)
}
