/** How stores key tokens, codes and session ids: by SHA-256, so a dump of the store holds no usable value (docs/reliability.md § SP-6). */
import { createHash } from 'node:crypto'

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url')
