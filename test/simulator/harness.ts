import type { Simulator } from './index.js'

type Init = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> }

/** fetch bound to the simulator's API root, with a bearer token when given. */
export function api(sim: Simulator, token?: string) {
  return (path: string, init: Init = {}) =>
    fetch(sim.apiUrl + path, {
      ...init,
      headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...init.headers },
    })
}

/** A PUT with a JSON body (a string is sent as is); `contentType: ''` sends no Content-Type at all. */
export function put(body: unknown, contentType = 'application/json'): Init {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  // fetch labels a string body text/plain by itself; bytes go out unlabelled.
  if (!contentType) return { method: 'PUT', body: new TextEncoder().encode(text) }
  return { method: 'PUT', headers: { 'content-type': contentType }, body: text }
}

/** Requests a token the way the vendor samples do: form body, HTTP Basic credentials. */
export function tokenRequest(
  sim: Simulator,
  clientId: string,
  secret: string,
  form = 'grant_type=client_credentials',
) {
  return fetch(sim.apiUrl + '/idp/token', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: form,
  })
}

/** The `error` object of an Acronis error body. */
export async function acronisError(
  response: Response,
): Promise<{ code: number; domain: string; message: string }> {
  const body = (await response.json()) as { error: { code: number; domain: string; message: string } }
  return body.error
}
