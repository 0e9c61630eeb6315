/**
 * The Identity Engine policy of one app (docs/identity-engine.md, "Policies"): the server-wide
 * `identityEngine` settings, overridden by the client's own `identityEngine`, as Okta attaches sign-in
 * and profile enrollment policies to each app.
 */
import type { AppContext } from '../context.js'
import type { Client } from '../registry/clients.js'

/** The username alone first, then the password. */
export const identifierFirstFor = (ctx: AppContext, client: Client): boolean => client.identityEngine?.identifierFirst ?? ctx.config.identityEngine.identifierFirst

/** Whether the first page offers sign-up (`select-enroll-profile`). */
export const registrationFor = (ctx: AppContext, client: Client): boolean => client.identityEngine?.registration ?? ctx.config.identityEngine.registration
