/**
 * The memory store as plain JSON-able data and back: the `store` section of the state file
 * (store/state-file.ts). Everything the store remembers goes in, so a restored store answers every
 * call as the saved one would have: families with their generation and grace-period state (their
 * tokens are derived, never kept: oauth/refresh-token.ts), revoked access tokens, codes with their redemption state (a replay after the restart is
 * still detected), sessions, pending sign-in forms, Identity Engine interactions with the lock-out
 * counts, the outbox, and the identity with its epoch-second jtis.
 * Only hashes of handed-out values are kept, never the values themselves; the token secret is kept,
 * so refresh tokens issued before the restart are still recognised and derive the same successors.
 */
import type { SchemaObject } from 'ajv'
import { MemoryStore } from './memory-store.js'
import type { CodeEntry } from './memory-authorization-store.js'
import type { SessionRecord, SessionTokenRecord, TransactionRecord } from './authorization-store.js'
import type { DeviceAuthorizationRecord, PushedRequestRecord } from './grant-records.js'
import { INTERACTION_STEPS, type AuthnTransactionRecord, type InteractionRecord } from './interaction-store.js'
import { MAX_OUTBOX_MESSAGES, OUTBOX_KINDS, type OutboxMessage } from './outbox-store.js'
import { StateDataError, stateValidator, type StateSection } from './state-file.js'
import type { FamilyRecord, Store, StoreIdentity } from './store.js'

export interface MemoryStoreSnapshot {
  /** `null` before the app adopted one (store.ts `identity`). */
  identity: StoreIdentity | null
  epochSecondJtis: string[]
  /**
   * Files saved before refresh tokens carried their generation also hold `currentHash`, `previousHash`
   * and `retiredHashes`: read and dropped (docs/refresh-tokens.md, "State file").
   */
  families: Array<FamilyRecord & LegacyFamilyFields>
  revokedAccessTokens: Array<{ jti: string; expiresAtMs: number }>
  codes: CodeEntry[]
  sessions: SessionRecord[]
  /** Oldest first: the order decides which form goes first when there are too many. */
  transactions: TransactionRecord[]
  /** Oldest first, likewise. Absent in files saved before the device grant (read as none). */
  deviceAuthorizations?: DeviceAuthorizationRecord[]
  pushedRequests?: PushedRequestRecord[]
  /** Authentication API session tokens (hashes); absent in files saved before they existed. */
  sessionTokens?: SessionTokenRecord[]
  /** "Expire every access token" cut-offs by scope (store.ts `endAccessTokens`); absent in files saved before they existed. */
  accessTokenCutoffs?: Array<{ scope: string; atSeconds: number }>
  /** Absent in files saved before the Identity Engine: none. */
  interactions?: InteractionRecord[]
  signInFailures?: Array<{ userId: string; count: number }>
  /** Authentication API transactions (state-token hashes), oldest first; absent in files saved before them. */
  authnTransactions?: AuthnTransactionRecord[]
  /** Spent client-assertion and DPoP-proof jtis, as hashes, oldest first; absent in files saved before DPoP. */
  spent?: Array<{ key: string; untilMs: number }>
  /** The DPoP nonce rotations by hand; absent: 0. */
  dpopNonceRotations?: number
  /** The messages "sent by email", oldest first; absent when there are none. */
  outbox?: OutboxMessage[]
}

/** What a family entry held before tokens carried their generation; ignored when read. */
interface LegacyFamilyFields {
  currentHash?: string
  previousHash?: string | null
  retiredHashes?: string[]
}

export function snapshotMemoryStore(store: MemoryStore): MemoryStoreSnapshot {
  const held = store.held
  const authorization = held.authorization.held
  const spent = held.spent.entries()
  return {
    identity: held.identity ? { ...held.identity } : null,
    epochSecondJtis: [...held.epochSecondJtis],
    families: Array.from(held.families.values(), (f) => f.toRecord()),
    revokedAccessTokens: Array.from(held.revokedAccessTokens, ([jti, expiresAtMs]) => ({ jti, expiresAtMs })),
    codes: Array.from(authorization.codes.values(), (e) => structuredClone(e)),
    sessions: Array.from(authorization.sessions.values(), (s) => ({ ...s })),
    transactions: Array.from(authorization.transactions.values(), (t) => structuredClone(t)),
    deviceAuthorizations: Array.from(held.grantRecords.held.devices.values(), (d) => structuredClone(d)),
    pushedRequests: Array.from(held.grantRecords.held.pushed.values(), (p) => structuredClone(p)),
    ...(authorization.sessionTokens.size > 0 && { sessionTokens: Array.from(authorization.sessionTokens.values(), (k) => ({ ...k })) }),
    // Only when there are any: a file without them reads as it did before they existed.
    ...(held.accessTokenCutoffs.size > 0 && { accessTokenCutoffs: Array.from(held.accessTokenCutoffs, ([scope, atSeconds]) => ({ scope, atSeconds })) }),
    interactions: Array.from(held.interactions.held.interactions.values(), (i) => structuredClone(i)),
    signInFailures: Array.from(held.interactions.held.failures, ([userId, count]) => ({ userId, count })),
    ...(held.interactions.held.authn.size > 0 && { authnTransactions: Array.from(held.interactions.held.authn.values(), (a) => structuredClone(a)) }),
    // Left out when empty, so a store that never saw DPoP or an assertion saves as before.
    ...(spent.length > 0 && { spent: spent.map(([key, untilMs]) => ({ key, untilMs })) }),
    ...(held.nonce.rotations > 0 && { dpopNonceRotations: held.nonce.rotations }),
    ...(held.outbox.held.length > 0 && { outbox: held.outbox.held.map((m) => ({ ...m })) }),
  }
}

/** Puts a snapshot into a store that holds nothing yet; checks it whole first, so a bad one changes nothing. */
export function restoreMemoryStore(store: MemoryStore, data: unknown): void {
  const snapshot = checkSnapshot(data)
  assertConsistent(snapshot)
  const held = store.held
  if (held.families.size > 0 || held.identity) throw new Error('a snapshot is restored into a new memory store only')
  // A new store takes its identity as proposed: the saved one comes back unchanged.
  if (snapshot.identity) void store.identity(snapshot.identity)
  for (const jti of snapshot.epochSecondJtis) held.epochSecondJtis.add(jti)
  for (const { currentHash: _c, previousHash: _p, retiredHashes: _r, ...family } of snapshot.families) held.families.add(family)
  for (const { jti, expiresAtMs } of snapshot.revokedAccessTokens) held.revokedAccessTokens.set(jti, expiresAtMs)
  const authorization = held.authorization.held
  for (const entry of snapshot.codes) authorization.codes.set(entry.code.hash, entry)
  for (const session of snapshot.sessions) authorization.sessions.set(session.idHash, session)
  for (const transaction of snapshot.transactions) authorization.transactions.set(transaction.idHash, transaction)
  for (const token of snapshot.sessionTokens ?? []) authorization.sessionTokens.set(token.hash, token)
  const grantRecords = held.grantRecords.held
  for (const device of snapshot.deviceAuthorizations ?? []) {
    grantRecords.devices.set(device.deviceCodeHash, device)
    grantRecords.userCodes.set(device.userCodeHash, device.deviceCodeHash)
  }
  for (const pushed of snapshot.pushedRequests ?? []) grantRecords.pushed.set(pushed.uriHash, pushed)
  for (const { scope, atSeconds } of snapshot.accessTokenCutoffs ?? []) held.accessTokenCutoffs.set(scope, atSeconds)
  for (const interaction of snapshot.interactions ?? []) held.interactions.put(interaction)
  for (const { userId, count } of snapshot.signInFailures ?? []) held.interactions.held.failures.set(userId, count)
  for (const a of snapshot.authnTransactions ?? []) held.interactions.held.authn.set(a.stateTokenHash, a)
  for (const { key, untilMs } of snapshot.spent ?? []) held.spent.restore(key, untilMs)
  held.nonce.rotations = snapshot.dpopNonceRotations ?? 0
  for (const message of snapshot.outbox ?? []) held.outbox.held.push(message)
}

/** The memory store as the state file's `store` section. */
export function memoryStoreSection(store: Store): StateSection {
  if (!(store instanceof MemoryStore)) throw new Error('a state file (store.stateFile, --state-file) keeps the memory store; a Redis store keeps its state itself')
  return {
    name: 'store',
    snapshot: () => snapshotMemoryStore(store),
    restore: (data) => restoreMemoryStore(store, data),
    saveWith: (saveNow) => {
      store.onRevocation = saveNow
    },
  }
}

/** What the schema cannot say: every family id appears once; a user code names one device authorization. */
function assertConsistent(snapshot: MemoryStoreSnapshot): void {
  const userCodes = new Set<string>()
  for (const [i, d] of (snapshot.deviceAuthorizations ?? []).entries()) {
    if (userCodes.has(d.userCodeHash)) throw new StateDataError(`store/deviceAuthorizations/${i} has a user code that appears twice`)
    userCodes.add(d.userCodeHash)
  }
  const ids = new Set<string>()
  for (const [i, f] of snapshot.families.entries()) {
    if (ids.has(f.id)) throw new StateDataError(`store/families/${i}/id ${f.id} appears twice`)
    ids.add(f.id)
  }
}

const text = { type: 'string', minLength: 1 } as const
const nullableText = { type: 'string', minLength: 1, nullable: true } as const
const ms = { type: 'number', minimum: 0 } as const
const nullableMs = { type: 'number', minimum: 0, nullable: true } as const
const seconds = { type: 'integer', minimum: 0 } as const
const texts = { type: 'array', items: text } as const
const nullableSeconds = { type: 'integer', minimum: 0, nullable: true } as const

/** An /authorize request as a transaction or a pushed request keeps it (authorization-request.ts). */
const authorizationRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'authServerId', 'redirectUri', 'responseTypes', 'responseMode', 'scopes', 'state', 'nonce', 'codeChallenge', 'prompt', 'loginHint', 'maxAge'],
  properties: {
    clientId: text,
    authServerId: nullableText,
    redirectUri: text,
    responseTypes: { type: 'array', items: { type: 'string', enum: ['code', 'token', 'id_token'] } },
    responseMode: { type: 'string', enum: ['query', 'fragment', 'form_post', 'okta_post_message'] },
    scopes: texts,
    state: { type: 'string' },
    nonce: { type: 'string', nullable: true },
    codeChallenge: nullableText,
    prompt: { type: 'array', items: { type: 'string', enum: ['none', 'login', 'consent'] } },
    loginHint: { type: 'string', nullable: true },
    maxAge: { type: 'integer', minimum: 0, nullable: true },
    dpopJkt: text,
  },
} as const

/** interaction-store.ts InteractionRecord. */
const interactionSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'handleHash',
    'clientId',
    'authServerId',
    'redirectUri',
    'scopes',
    'state',
    'nonce',
    'codeChallenge',
    'step',
    'version',
    'stateGeneration',
    'stateHandleHash',
    'userId',
    'amr',
    'authTime',
    'codeHash',
    'codeExpiresAtMs',
    'expiresAtMs',
  ],
  properties: {
    handleHash: text,
    clientId: text,
    authServerId: nullableText,
    redirectUri: text,
    scopes: texts,
    state: { type: 'string' },
    nonce: { type: 'string', nullable: true },
    codeChallenge: text,
    step: { type: 'string', enum: [...INTERACTION_STEPS] },
    version: seconds,
    stateGeneration: seconds,
    stateHandleHash: text,
    userId: nullableText,
    amr: texts,
    authTime: nullableSeconds,
    codeHash: nullableText,
    codeExpiresAtMs: nullableMs,
    expiresAtMs: ms,
    recovery: { type: 'boolean' },
    emailGeneration: seconds,
    emailCodeExpiresAtMs: ms,
    identifier: text,
    hosted: {
      type: 'object',
      additionalProperties: false,
      required: ['request', 'browserHash'],
      properties: { request: authorizationRequestSchema, browserHash: text },
    },
  },
} as const

/**
 * The store section's shape, strictly: every property required, nothing unknown (a hand-edited file is
 * checked whole). It mirrors MemoryStoreSnapshot; Ajv's JSONSchemaType cannot express its nullable
 * objects under exactOptionalPropertyTypes, so the round-trip tests keep the two in step.
 */
const snapshotSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['identity', 'epochSecondJtis', 'families', 'revokedAccessTokens', 'codes', 'sessions', 'transactions'],
  properties: {
    identity: {
      nullable: true,
      type: 'object',
      additionalProperties: false,
      required: ['epochSeconds', 'tokenSecret'],
      properties: { epochSeconds: seconds, tokenSecret: text },
    },
    epochSecondJtis: texts,
    accessTokenCutoffs: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['scope', 'atSeconds'], properties: { scope: text, atSeconds: seconds } },
    },
    families: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'clientId',
          'authServerId',
          'userId',
          'scopes',
          'authTime',
          'createdAtMs',
          'expiresAtMs',
          'idleSeconds',
          'rotation',
          'graceSeconds',
          'generation',
          'lastUsedMs',
          'currentUsed',
          'rotatedAtMs',
          'revokedAtMs',
        ],
        properties: {
          id: text,
          clientId: text,
          authServerId: nullableText,
          userId: nullableText,
          scopes: texts,
          authTime: seconds,
          createdAtMs: ms,
          expiresAtMs: nullableMs,
          idleSeconds: seconds,
          rotation: { type: 'string', enum: ['rotate', 'static'] },
          graceSeconds: seconds,
          currentHash: text,
          generation: seconds,
          lastUsedMs: ms,
          currentUsed: { type: 'boolean' },
          previousHash: nullableText,
          rotatedAtMs: nullableMs,
          revokedAtMs: nullableMs,
          // Legacy (LegacyFamilyFields): accepted, then dropped.
          retiredHashes: { type: 'array', items: text },
          jkt: text,
        },
      },
    },
    spent: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['key', 'untilMs'], properties: { key: text, untilMs: ms } },
    },
    dpopNonceRotations: seconds,
    outbox: {
      type: 'array',
      maxItems: MAX_OUTBOX_MESSAGES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'to', 'kind', 'subject', 'code', 'link', 'purpose', 'userId', 'clientId', 'createdAtMs'],
        properties: {
          id: text,
          to: text,
          kind: { type: 'string', enum: [...OUTBOX_KINDS] },
          subject: { type: 'string' },
          code: nullableText,
          link: nullableText,
          purpose: { type: 'string' },
          userId: nullableText,
          clientId: nullableText,
          createdAtMs: ms,
        },
      },
    },
    revokedAccessTokens: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['jti', 'expiresAtMs'], properties: { jti: text, expiresAtMs: ms } },
    },
    codes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'redeemed', 'replayed', 'issued'],
        properties: {
          code: {
            type: 'object',
            additionalProperties: false,
            required: ['hash', 'clientId', 'authServerId', 'redirectUri', 'userId', 'scopes', 'nonce', 'codeChallenge', 'authTime', 'expiresAtMs'],
            properties: {
              hash: text,
              clientId: text,
              authServerId: nullableText,
              redirectUri: text,
              userId: text,
              scopes: texts,
              nonce: { type: 'string', nullable: true },
              codeChallenge: nullableText,
              authTime: seconds,
              expiresAtMs: ms,
              dpopJkt: text,
              amr: texts,
            },
          },
          redeemed: { type: 'boolean' },
          replayed: { type: 'boolean' },
          issued: {
            nullable: true,
            type: 'object',
            additionalProperties: false,
            required: ['familyId', 'accessTokenJti', 'accessTokenExpiresAtMs'],
            properties: { familyId: nullableText, accessTokenJti: text, accessTokenExpiresAtMs: ms },
          },
        },
      },
    },
    sessions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['idHash', 'userId', 'authTime', 'expiresAtMs'],
        properties: { idHash: text, userId: text, authTime: seconds, expiresAtMs: ms, amr: texts },
      },
    },
    interactions: { type: 'array', items: interactionSchema },
    signInFailures: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['userId', 'count'], properties: { userId: text, count: { type: 'integer', minimum: 1 } } },
    },
    transactions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['idHash', 'browserHash', 'request', 'expiresAtMs'],
        properties: {
          idHash: text,
          browserHash: text,
          expiresAtMs: ms,
          request: authorizationRequestSchema,
        },
      },
    },
    // Not required: files saved before these records existed still load (as holding none).
    deviceAuthorizations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['deviceCodeHash', 'userCodeHash', 'clientId', 'authServerId', 'scopes', 'expiresAtMs', 'intervalSeconds', 'lastPolledMs', 'status', 'userId', 'authTime'],
        properties: {
          deviceCodeHash: text,
          userCodeHash: text,
          clientId: text,
          authServerId: nullableText,
          scopes: texts,
          expiresAtMs: ms,
          intervalSeconds: { type: 'integer', minimum: 1 },
          lastPolledMs: nullableMs,
          status: { type: 'string', enum: ['pending', 'approved', 'denied', 'redeemed'] },
          userId: nullableText,
          authTime: { type: 'integer', minimum: 0, nullable: true },
        },
      },
    },
    authnTransactions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['stateTokenHash', 'userId', 'status', 'factorId', 'codeHash', 'codeExpiresAtMs', 'authTime', 'amr', 'version', 'expiresAtMs'],
        properties: {
          stateTokenHash: text,
          userId: text,
          status: { type: 'string', enum: ['MFA_REQUIRED', 'MFA_CHALLENGE', 'PASSWORD_EXPIRED'] },
          factorId: nullableText,
          codeHash: nullableText,
          codeExpiresAtMs: nullableMs,
          authTime: seconds,
          amr: texts,
          version: { type: 'integer', minimum: 0 },
          expiresAtMs: ms,
        },
      },
    },
    sessionTokens: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['hash', 'userId', 'authTime', 'expiresAtMs'],
        properties: { hash: text, userId: text, authTime: seconds, expiresAtMs: ms, amr: texts },
      },
    },
    pushedRequests: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['uriHash', 'clientId', 'authServerId', 'request', 'expiresAtMs'],
        properties: { uriHash: text, clientId: text, authServerId: nullableText, request: authorizationRequestSchema, expiresAtMs: ms },
      },
    },
  },
}

const checkSnapshot = stateValidator<MemoryStoreSnapshot>(snapshotSchema, 'store')
