/**
 * The grant-record part of a Store (grant-records.ts), passed on to the store's own module
 * (memory-grant-records.ts, redis/redis-grant-records.ts), beside the authorization records.
 */
import { AuthorizationDelegation } from './authorization-delegation.js'
import type {
  DeviceAuthorizationRecord,
  DeviceDecision,
  DeviceDecisionOutcome,
  DevicePoll,
  DevicePollOutcome,
  GrantRecordStore,
  PushedRequestOutcome,
  PushedRequestRecord,
  PushedRequestUse,
} from './grant-records.js'

export abstract class GrantDelegation extends AuthorizationDelegation implements GrantRecordStore {
  protected abstract grantRecords: GrantRecordStore

  createDeviceAuthorization(record: DeviceAuthorizationRecord): Promise<boolean> {
    return this.grantRecords.createDeviceAuthorization(record)
  }
  findDeviceAuthorization(userCodeHash: string, nowMs: number): Promise<DeviceAuthorizationRecord | undefined> {
    return this.grantRecords.findDeviceAuthorization(userCodeHash, nowMs)
  }
  decideDeviceAuthorization(userCodeHash: string, decision: DeviceDecision, nowMs: number): Promise<DeviceDecisionOutcome> {
    return this.grantRecords.decideDeviceAuthorization(userCodeHash, decision, nowMs)
  }
  pollDeviceAuthorization(poll: DevicePoll): Promise<DevicePollOutcome> {
    return this.grantRecords.pollDeviceAuthorization(poll)
  }
  createPushedRequest(record: PushedRequestRecord): Promise<void> {
    return this.grantRecords.createPushedRequest(record)
  }
  takePushedRequest(use: PushedRequestUse): Promise<PushedRequestOutcome> {
    return this.grantRecords.takePushedRequest(use)
  }
}
