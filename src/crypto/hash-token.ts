/** How stores key tokens, codes and session ids: by SHA-256, so a dump of the store holds no usable value (docs/reliability.md § SP-6). */
import { sha256 } from './sha256.js'

export const hashToken = (token: string): string => sha256(token, 'base64url')
