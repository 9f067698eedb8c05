import { randomBytes } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { HttpError, type Reply } from './http.js'
import type { Store, TokenInfo } from './store.js'

/** `POST /idp/token`: OAuth2 client credentials, so its errors are OAuth-shaped, not Acronis-shaped. */
export function tokenEndpoint(store: Store, headers: IncomingHttpHeaders, body: string): Reply {
  const oauthError = (status: number, error: string, description: string): Reply => ({
    status,
    body: { error, error_description: description },
    headers: { 'Cache-Control': 'no-store' },
  })
  const type = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') {
    return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded')
  }
  const form = new URLSearchParams(body)
  const grant = form.get('grant_type')
  if (!grant) return oauthError(400, 'invalid_request', 'grant_type is required')
  if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', `grant_type ${grant} is not supported`)
  }

  const credentials = basicCredentials(headers.authorization) ?? formCredentials(form)
  // RFC 6749 5.2: a missing, unknown or failed client authentication is all `invalid_client`, 401.
  if (!credentials) return oauthError(401, 'invalid_client', 'client authentication is required')
  const client = store.clients.get(credentials.id)
  if (!client || !secretMatches(client.secret, credentials.secret)) {
    return oauthError(401, 'invalid_client', 'client authentication failed')
  }

  const { token, info } = store.issueToken(client.clientId)
  const expiresIn = store.tokenTtlSeconds
  return {
    status: 200,
    headers: { 'Cache-Control': 'no-store' },
    body: {
      access_token: token,
      token_type: 'bearer',
      // Opaque and not a valid bearer token: nothing in this project reads the id_token.
      id_token: randomBytes(36).toString('base64url'),
      expires_in: expiresIn,
      expires_on: Math.floor(info.expiresAt / 1000),
    },
  }
}

/** Resolves `Authorization: Bearer <token>` or throws the 401 every protected route answers. */
export function authenticate(store: Store, authorization: string | undefined): TokenInfo {
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match) throw new HttpError(401, 'Authorization required', 'missing bearer token')
  const info = store.tokens.get(match[1]!)
  if (!info) throw new HttpError(401, 'Unauthorized', 'invalid access token')
  if (Date.now() >= info.expiresAt) throw new HttpError(401, 'Unauthorized', 'access token expired')
  return info
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^basic\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

function formCredentials(form: URLSearchParams): { id: string; secret: string } | undefined {
  const id = form.get('client_id')
  const secret = form.get('client_secret')
  return id !== null && secret !== null ? { id, secret } : undefined
}

/** The vendor samples send the secret raw; RFC 6749 2.3.1 form-encodes it first. Accept both. */
function secretMatches(expected: string, given: string): boolean {
  if (given === expected) return true
  try {
    return decodeURIComponent(given.replace(/\+/g, ' ')) === expected
  } catch {
    return false
  }
}
