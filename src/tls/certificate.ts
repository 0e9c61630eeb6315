/**
 * TLS material for HTTPS mode: the configured certificate and key, or a certificate generated at
 * start-up, signed by a CA generated with it. The CA certificate is written to a file clients can
 * trust (NODE_EXTRA_CA_CERTS, a browser's certificate store); its key is never written.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { dirname } from 'node:path'
import type { HttpsConfig } from '../config/types.js'

export interface TlsMaterial {
  key: string
  cert: string
  /** Where the generated CA certificate was written; undefined when the certificate came from files. */
  caFile: string | undefined
}

/** Days a generated certificate is valid: long enough for a demo, short enough to stay a test artefact. */
const VALID_DAYS = 90

export async function tlsMaterial(https: HttpsConfig, baseUrl: string): Promise<TlsMaterial> {
  if (https.certFile !== undefined && https.keyFile !== undefined) {
    return { key: readFileSync(https.keyFile, 'utf8'), cert: readFileSync(https.certFile, 'utf8'), caFile: undefined }
  }
  // selfsigned (node-forge) is large: loaded only when a certificate is generated (docs/bench.md: start-up).
  const { generate } = await import('selfsigned')
  const names = [...new Set(['localhost', '127.0.0.1', '::1', new URL(baseUrl).hostname.replace(/^\[|\]$/g, '')])]
  // Clients check a certificate against their real time, never against mockta's movable clock.
  const notBeforeDate = new Date()
  const notAfterDate = new Date(notBeforeDate.getTime() + VALID_DAYS * 86_400_000)
  const ca = await generate([{ name: 'commonName', value: 'mockta local CA (test only)' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  })
  const leaf = await generate([{ name: 'commonName', value: names[3] ?? 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  })
  mkdirSync(dirname(https.caFile), { recursive: true })
  writeFileSync(https.caFile, ca.cert)
  return { key: leaf.private, cert: leaf.cert, caFile: https.caFile }
}
