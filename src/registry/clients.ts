/** Registered OAuth clients, looked up by id. */
import type { ClientAuthMethod, ClientConfig } from '../config/types.js'

export type Client = Readonly<ClientConfig>

/** A client that proved who it is at /token, /introspect or /revoke, and how (http/client-auth.ts). */
export interface AuthenticatedClient {
  client: Client
  method: ClientAuthMethod
}

export const isConfidential = (client: Client): boolean => client.secret !== undefined

export class Clients {
  private readonly byId: Map<string, Client>
  constructor(clients: readonly ClientConfig[]) {
    this.byId = new Map(clients.map((c) => [c.id, c]))
  }
  get(id: string): Client | undefined {
    return this.byId.get(id)
  }
}
