import { unbracketed } from '../http/proxy.js'
import { withoutUserinfo } from '../util/redact.js'

/** Hosts where plain http is allowed: a simulator or a tunnel on this machine, never the network. */
function isLoopback(hostname: string): boolean {
  const h = unbracketed(hostname)
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/** The names a person set the URL and the client by: the action's inputs, or the CLI's flags and variables. */
type Label = (name: 'base-url' | 'client-id' | 'client-secret') => string

/**
 * The API root for a data-center URL: `https://eu2-cloud.acronis.com` → `…/api/2`; a URL that already
 * ends in `/api` or `/api/2` (copied from the API documentation) gets only what it lacks.
 * Refuses anything but https (http only on loopback), so credentials never cross a network in clear.
 */
export function apiRoot(baseUrl: string, label: Label = (name) => name): URL {
  // A refusal quotes the value, but never a user or password in it, with or without a scheme.
  const value = baseUrl.trim()
  const name = label('base-url')
  const shown = withoutUserinfo(value).replace(/^[^\s/?#]*@/, '***@')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(
      `${name} "${shown}" is not a URL; expected a data-center URL such as https://eu2-cloud.acronis.com`,
    )
  }
  if (url.username || url.password)
    throw new Error(
      `${name} must not contain credentials; use ${label('client-id')} and ${label('client-secret')}`,
    )
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(
      `${name} "${shown}" must use https:// (plain http is accepted only for loopback hosts such as 127.0.0.1)`,
    )
  }
  if (url.search || url.hash) throw new Error(`${name} "${shown}" must not have a query or fragment`)
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = path.endsWith('/api/2') ? path : path.endsWith('/api') ? `${path}/2` : `${path}/api/2`
  return url
}
