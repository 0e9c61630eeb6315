/** The grant-record part of RedisStore (store/grant-records.ts), shared by replicas; scripts in grant-record-scripts.ts. */
import type { Clock } from '../../clock.js'
import {
  MAX_DEVICE_AUTHORIZATIONS,
  MAX_PUSHED_REQUESTS,
  type DeviceAuthorizationRecord,
  type DeviceDecision,
  type DeviceDecisionOutcome,
  type DevicePoll,
  type DevicePollOutcome,
  type DeviceStatus,
  type GrantRecordStore,
  type PushedRequestOutcome,
  type PushedRequestRecord,
  type PushedRequestUse,
} from '../grant-records.js'
import { unavailableOnFailure } from './connection.js'
import { ttlMs } from './lua-library.js'
import type { RunScript } from './redis-scripts.js'

/** Records one sweep script drops at most per kind. */
const SWEEP_BATCH = 500

/** The fixed part of a device authorization, kept as JSON; the rest are hash fields the scripts change. */
type FixedDevice = Pick<DeviceAuthorizationRecord, 'deviceCodeHash' | 'userCodeHash' | 'clientId' | 'authServerId' | 'scopes' | 'expiresAtMs'>

/** The org server (`null`) as the scripts compare it: custom ids are never empty. */
const serverField = (id: string | null): string => id ?? ''

/** HMGET of the device fields (grant-record-scripts.ts DEVICE_FIELDS) back to the record. */
function deviceFrom(v: Array<string | null>): DeviceAuthorizationRecord {
  const fixed = JSON.parse(v[0]!) as FixedDevice
  const last = v[5] ?? ''
  return {
    ...fixed,
    intervalSeconds: Number(v[4]),
    lastPolledMs: last === '' ? null : Number(last),
    status: v[6] as DeviceStatus,
    userId: v[7] ? v[7] : null,
    authTime: v[8] ? Number(v[8]) : null,
  }
}

export class RedisGrantRecords implements GrantRecordStore {
  constructor(
    private readonly run: RunScript,
    private readonly clock: Clock,
  ) {}

  async createDeviceAuthorization(r: DeviceAuthorizationRecord): Promise<boolean> {
    const fixed: FixedDevice = {
      deviceCodeHash: r.deviceCodeHash,
      userCodeHash: r.userCodeHash,
      clientId: r.clientId,
      authServerId: r.authServerId,
      scopes: r.scopes,
      expiresAtMs: r.expiresAtMs,
    }
    const args = [
      r.deviceCodeHash,
      r.userCodeHash,
      JSON.stringify(fixed),
      r.clientId,
      serverField(r.authServerId),
      r.expiresAtMs,
      r.intervalSeconds,
      this.ttl(r.expiresAtMs),
      MAX_DEVICE_AUTHORIZATIONS,
    ]
    return (await this.call('putDevice', ...args)) === 1
  }

  async findDeviceAuthorization(userCodeHash: string, nowMs: number): Promise<DeviceAuthorizationRecord | undefined> {
    const v = (await this.call('findDevice', userCodeHash)) as Array<string | null> | null
    const r = v ? deviceFrom(v) : undefined
    return r && nowMs < r.expiresAtMs ? r : undefined
  }

  async decideDeviceAuthorization(userCodeHash: string, decision: DeviceDecision, nowMs: number): Promise<DeviceDecisionOutcome> {
    const args = decision.approve ? ['1', decision.userId, decision.authTime] : ['0', '', '']
    const [kind, ...v] = (await this.call('decideDevice', userCodeHash, ...args, nowMs)) as [DeviceDecisionOutcome['kind'], ...Array<string | null>]
    return kind === 'unknown' ? { kind } : { kind, record: deviceFrom(v) }
  }

  async pollDeviceAuthorization(poll: DevicePoll): Promise<DevicePollOutcome> {
    const [kind, ...v] = (await this.call('pollDevice', poll.deviceCodeHash, poll.clientId, serverField(poll.authServerId), poll.nowMs)) as [
      DevicePollOutcome['kind'],
      ...Array<string | null>,
    ]
    return kind === 'approved' ? { kind, record: deviceFrom(v) } : ({ kind } as DevicePollOutcome)
  }

  async createPushedRequest(r: PushedRequestRecord): Promise<void> {
    await this.call('putPushed', r.uriHash, JSON.stringify(r), r.clientId, serverField(r.authServerId), r.expiresAtMs, this.ttl(r.expiresAtMs), MAX_PUSHED_REQUESTS)
  }

  async takePushedRequest(use: PushedRequestUse): Promise<PushedRequestOutcome> {
    const [kind, rec] = (await this.call('takePushed', use.uriHash, use.clientId, serverField(use.authServerId), use.nowMs)) as [PushedRequestOutcome['kind'], string?]
    return kind === 'taken' ? { kind, record: JSON.parse(rec!) as PushedRequestRecord } : ({ kind } as PushedRequestOutcome)
  }

  /** Drops, by mockta's clock, what MemoryGrantRecords.sweep would; in batches, each atomic. */
  async sweep(nowMs: number): Promise<number> {
    let removed = 0
    for (;;) {
      const [n, more] = (await this.call('sweepGrantRecords', nowMs, SWEEP_BATCH)) as [number, number]
      removed += n
      if (more === 0) return removed
    }
  }

  private ttl(expiresAtMs: number): number {
    return ttlMs(expiresAtMs, this.clock.nowMs())
  }

  private call(name: Parameters<RunScript>[0], ...args: Array<string | number>): Promise<unknown> {
    return unavailableOnFailure(this.run(name, ...args))
  }
}
