/**
 * Approving or denying a device's user code without a browser, as a given user: what CI uses
 * instead of the activation page (docs/device-exchange-par.md). The same store decision as the page,
 * so the first answer stands whichever way it came.
 */
import type { AppContext } from '../context.js'
import { decideDeviceAuthorization, normalizeUserCode } from '../grants/device-authorization.js'
import { ControlError, notFound, validator } from './control-error.js'

export interface DeviceApproval {
  /** Login or Okta user id. */
  user: string
}

export interface DeviceDecided {
  userCode: string
  status: 'approved' | 'denied'
  clientId: string
  /** The approving user's id; absent when denied. */
  userId?: string
}

export const deviceApprovalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['user'],
  properties: { user: { type: 'string', minLength: 1 } },
} as const

export const checkDeviceApproval = validator<DeviceApproval>(deviceApprovalSchema, 'device approval')

export async function decideDevice(ctx: AppContext, userCode: string, approval: DeviceApproval | 'deny'): Promise<DeviceDecided> {
  let decision: Parameters<typeof decideDeviceAuthorization>[1] = 'deny'
  if (approval !== 'deny') {
    const user = ctx.users.byLoginName(approval.user) ?? ctx.users.get(approval.user)
    if (!user) throw notFound(`no user has the login or id ${JSON.stringify(approval.user.slice(0, 256))}`)
    decision = { user }
  }
  const outcome = await decideDeviceAuthorization(userCode, decision, ctx)
  const code = normalizeUserCode(userCode).slice(0, 64)
  if (outcome.kind === 'unknown') throw notFound(`no device authorization has the user code ${JSON.stringify(code)}, or it has expired`)
  if (outcome.kind === 'already_decided')
    throw new ControlError(409, `the device authorization of user code ${JSON.stringify(code)} was already ${outcome.record.status === 'denied' ? 'denied' : 'approved'}`)
  const { record } = outcome
  return {
    userCode: code,
    status: record.status === 'denied' ? 'denied' : 'approved',
    clientId: record.clientId,
    ...(record.userId !== null && { userId: record.userId }),
  }
}
