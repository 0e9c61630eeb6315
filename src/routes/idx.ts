/**
 * The Identity Engine's HTTP side (docs/identity-engine.md): `POST {issuer}/v1/interact` for every
 * authorization server, and the IDX API at the origin root (`/idp/idx/*`). IDX calls take JSON or
 * Okta's `application/ion+json` and answer `application/ion+json; okta-version=1.0.0`, errors included;
 * every failure gets an IDX body (or, for /interact, Okta's OAuth error), never a 5xx from bad input.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import type { AppContext, Directory } from '../context.js'
import { currentSession, startSession } from '../http/browser-sign-in/session.js'
import { authenticateClient } from '../http/client-auth.js'
import { errorHandler } from '../http/error-handler.js'
import { answerChallenge, selectAuthenticator } from '../idx/challenge-password.js'
import { cancel } from '../idx/cancel.js'
import { answerEmail, poll, resend, selectEmail } from '../idx/challenge-email.js'
import { IdxError } from '../idx/idx-error.js'
import { identify } from '../idx/identify.js'
import { interact, INTERACT_PARAMS } from '../idx/interaction.js'
import { introspect } from '../idx/introspect.js'
import { identifyRecovery, recover, resetPassword } from '../idx/recover.js'
import { enrollPassword, enrollProfile, selectAuthenticatorEnroll, selectEnrollProfile, selectIdentify, skip } from '../idx/registration.js'
import { IDX_MESSAGES } from '../idx/messages.js'
import { badRequest, inputOf, type Input } from '../idx/remediation-input.js'
import { ION_JSON, terminalResponse, type IdxBody } from '../idx/response.js'
import { notAvailable, transactionByStateHandle, type IdxAnswer, type Transaction } from '../idx/transaction.js'
import { readForm } from '../oauth/form.js'
import { endpoint, serverOf } from './paths.js'

export interface IdxRoutesOptions {
  ctx: AppContext
  /** Where registration creates users and recovery sets passwords (the control plane's runtime data). */
  directory: Directory
}

type Step = (ctx: AppContext, tx: Transaction, input: Input) => Promise<IdxAnswer>

/** One path serves several remediations (Okta's forms share hrefs): which one, by the transaction's step. */
const byStep =
  (steps: Partial<Record<Transaction['record']['step'], Step>>, otherwise: Step = (ctx, tx) => Promise.resolve(notAvailable(ctx, tx))): Step =>
  (ctx, tx, input) =>
    (steps[tx.record.step] ?? otherwise)(ctx, tx, input)

/** The remediations and actions, by path under /idp/idx/. */
const steps = (directory: Directory): Record<string, Step> => ({
  identify: byStep({ IDENTIFY_RECOVERY: identifyRecovery }, identify),
  challenge: byStep({ SELECT_EMAIL: selectEmail, CHALLENGE_EMAIL: selectEmail }, selectAuthenticator),
  // The password or email challenge of a sign-in, the new password of a recovery or of a registration, a registration's email code.
  'challenge/answer': byStep(
    {
      CHALLENGE_EMAIL: answerEmail,
      ENROLL_EMAIL: answerEmail,
      RESET_PASSWORD: (ctx, tx, input) => resetPassword(ctx, directory, tx, input),
      ENROLL_PASSWORD: (ctx, tx, input) => enrollPassword(ctx, directory, tx, input),
    },
    answerChallenge,
  ),
  'challenge/resend': (ctx, tx) => resend(ctx, tx),
  'challenge/poll': (ctx, tx) => poll(ctx, tx),
  recover: (ctx, tx) => recover(ctx, tx),
  cancel: (ctx, tx) => cancel(ctx, tx),
  enroll: (ctx, tx) => selectEnrollProfile(ctx, tx),
  'enroll/new': (ctx, tx, input) => enrollProfile(ctx, directory, tx, input),
  'identify/select': (ctx, tx) => selectIdentify(ctx, tx),
  'credential/enroll': selectAuthenticatorEnroll,
  skip: (ctx, tx) => skip(ctx, tx),
})

const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** JSON as `application/json` or `application/ion+json`; Fastify matches the media type, so `; okta-version=1.0.0` may follow. */
const IDX_CONTENT_TYPES = ['application/json', 'application/ion+json']

export async function idxRoutes(app: FastifyInstance, { ctx, directory }: IdxRoutesOptions): Promise<void> {
  endpoint(app, ['POST'], '/v1/interact', { config: { noStore: true } }, async (req) => {
    const server = serverOf(req, ctx)
    const form = readForm(req.body, INTERACT_PARAMS)
    // Okta's client authentication rules: public clients by client_id, confidential ones with their secret.
    const auth = authenticateClient(req, form, ctx.clients, { allowQueryClientId: false, realm: server.issuer })
    // The browser's session, when the page sent its cookie (credentials: 'include'): no new sign-in.
    const signedIn = await currentSession(req, ctx)
    return interact(ctx, server, auth.client, form, signedIn && { userId: signedIn.user.id, authTime: signedIn.session.authTime })
  })
  await app.register(idxApi, { prefix: '/idp/idx', ctx, directory })
}

async function idxApi(api: FastifyInstance, { ctx, directory }: IdxRoutesOptions): Promise<void> {
  // Only JSON bodies here (the form parser of the OAuth endpoints does not apply).
  api.removeAllContentTypeParsers()
  api.addContentTypeParser(IDX_CONTENT_TYPES, { parseAs: 'string', bodyLimit: ctx.config.limits.bodyLimitBytes }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string))
    } catch {
      done(badRequest('idx_body_not_json'), undefined)
    }
  })
  const oauthErrors = errorHandler(ctx.ids)
  api.setErrorHandler((err: FastifyError | Error, req, reply) => {
    if (err instanceof IdxError) return send(reply, err.statusCode, terminalResponse(err.messages))
    const status = (err as FastifyError).statusCode
    // Framework-level rejections of the request itself (media type, size, framing): Okta's bad request.
    if (status !== undefined && status >= 400 && status < 500) return send(reply, status === 413 || status === 415 ? status : 400, terminalResponse([IDX_MESSAGES.badRequest]))
    // The store being down and anything unexpected: the OAuth endpoints' answer (503 or server_error).
    return oauthErrors(err, req, reply)
  })
  // Okta's content type as Okta writes it: Fastify would quote the version and add a charset.
  api.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('content-type', ION_JSON)
    done(null, payload)
  })
  api.setNotFoundHandler((_req, reply) => send(reply, 404, terminalResponse([IDX_MESSAGES.notFound])))

  const route = (path: string, handle: (input: Input) => Promise<IdxAnswer>): void => {
    api.route({
      method: 'POST',
      url: `/${path}`,
      config: { noStore: true },
      handler: async (req, reply) => {
        const answer = await handle(inputOf(req.body))
        // An IDX sign-in is also the browser's sign-in for /v1/authorize (docs/identity-engine.md, "Single sign-on").
        if (answer.signedIn) await startSession(req, reply, answer.signedIn.user, ctx, answer.signedIn.authTime)
        return send(reply, answer.status, answer.body)
      },
    })
    api.route({
      method: [...OTHER_METHODS],
      url: `/${path}`,
      handler: async (_req, reply) => send(reply.header('allow', 'POST'), 405, terminalResponse([IDX_MESSAGES.methodNotAllowed])),
    })
  }
  route('introspect', (input) => introspect(ctx, input))
  for (const [path, step] of Object.entries(steps(directory))) {
    route(path, async (input) => step(ctx, await transactionByStateHandle(ctx, input['stateHandle']), input))
  }
}

function send(reply: FastifyReply, status: number, body: IdxBody): FastifyReply {
  return reply.code(status).header('content-type', ION_JSON).send(body)
}
