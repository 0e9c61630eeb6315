/** The in-process GrantRecordStore: Maps whose every operation is one synchronous section (no interleaving). */
import {
  applyDecision,
  decideDevice,
  decidePoll,
  decidePushedUse,
  MAX_DEVICE_AUTHORIZATIONS,
  MAX_PUSHED_REQUESTS,
  type DeviceAuthorizationRecord,
  type DeviceDecision,
  type DeviceDecisionOutcome,
  type DevicePoll,
  type DevicePollOutcome,
  type GrantRecordStore,
  type PushedRequestOutcome,
  type PushedRequestRecord,
  type PushedRequestUse,
} from './grant-records.js'
import { plainCopy } from './plain-copy.js'

export class MemoryGrantRecords implements GrantRecordStore {
  /** By device-code hash. */
  private readonly devices = new Map<string, DeviceAuthorizationRecord>()
  /** User-code hash to device-code hash. */
  private readonly userCodes = new Map<string, string>()
  private readonly pushed = new Map<string, PushedRequestRecord>()

  /** The records as held, for store/memory-snapshot.ts. */
  get held(): { devices: Map<string, DeviceAuthorizationRecord>; userCodes: Map<string, string>; pushed: Map<string, PushedRequestRecord> } {
    return { devices: this.devices, userCodes: this.userCodes, pushed: this.pushed }
  }

  async createDeviceAuthorization(record: DeviceAuthorizationRecord): Promise<boolean> {
    const holder = this.userCodes.get(record.userCodeHash)
    if (holder !== undefined && this.devices.has(holder)) return false
    this.devices.set(record.deviceCodeHash, plainCopy(record))
    this.userCodes.set(record.userCodeHash, record.deviceCodeHash)
    // Maps iterate in insertion order: the first key is the oldest authorization.
    if (this.devices.size > MAX_DEVICE_AUTHORIZATIONS) this.deleteDevice(this.devices.keys().next().value!)
    return true
  }

  async findDeviceAuthorization(userCodeHash: string, nowMs: number): Promise<DeviceAuthorizationRecord | undefined> {
    const r = this.byUserCode(userCodeHash)
    return r && nowMs < r.expiresAtMs ? plainCopy(r) : undefined
  }

  async decideDeviceAuthorization(userCodeHash: string, decision: DeviceDecision, nowMs: number): Promise<DeviceDecisionOutcome> {
    const r = this.byUserCode(userCodeHash)
    if (!r) return { kind: 'unknown' }
    const kind = decideDevice(r, nowMs)
    if (kind === 'unknown') return { kind }
    if (kind === 'already_decided') return { kind, record: plainCopy(r) }
    const next = applyDecision(r, decision)
    this.devices.set(r.deviceCodeHash, next)
    return { kind, record: plainCopy(next) }
  }

  async pollDeviceAuthorization(poll: DevicePoll): Promise<DevicePollOutcome> {
    const r = this.devices.get(poll.deviceCodeHash)
    if (!r) return { kind: 'unknown' }
    const { outcome, next } = decidePoll(r, poll)
    if (next) this.devices.set(r.deviceCodeHash, next)
    return outcome === 'approved' ? { kind: outcome, record: plainCopy(next!) } : { kind: outcome }
  }

  async createPushedRequest(record: PushedRequestRecord): Promise<void> {
    this.pushed.set(record.uriHash, plainCopy(record))
    if (this.pushed.size > MAX_PUSHED_REQUESTS) this.pushed.delete(this.pushed.keys().next().value!)
  }

  async takePushedRequest(use: PushedRequestUse): Promise<PushedRequestOutcome> {
    const r = this.pushed.get(use.uriHash)
    const kind = decidePushedUse(r, use)
    if (kind !== 'taken') {
      // An expired request is forgotten on sight, as a sweep would.
      if (r && kind === 'unknown') this.pushed.delete(use.uriHash)
      return { kind }
    }
    this.pushed.delete(use.uriHash)
    return { kind, record: r! }
  }

  /** Drops expired device authorizations and pushed requests; returns how many. */
  sweep(nowMs: number): number {
    let removed = 0
    for (const [hash, r] of this.devices) {
      if (r.expiresAtMs <= nowMs) {
        this.deleteDevice(hash)
        removed++
      }
    }
    for (const [hash, r] of this.pushed) {
      if (r.expiresAtMs <= nowMs) {
        this.pushed.delete(hash)
        removed++
      }
    }
    return removed
  }

  private byUserCode(userCodeHash: string): DeviceAuthorizationRecord | undefined {
    const deviceCodeHash = this.userCodes.get(userCodeHash)
    return deviceCodeHash === undefined ? undefined : this.devices.get(deviceCodeHash)
  }

  private deleteDevice(deviceCodeHash: string): void {
    const r = this.devices.get(deviceCodeHash)
    this.devices.delete(deviceCodeHash)
    if (r && this.userCodes.get(r.userCodeHash) === deviceCodeHash) this.userCodes.delete(r.userCodeHash)
  }
}
