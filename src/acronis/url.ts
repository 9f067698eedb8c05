import { unbracketed } from '../http/proxy.js'
import { withoutUserinfo } from '../util/redact.js'

/** Hosts where plain http is allowed: a simulator or a tunnel on this machine, never the network. */
function isLoopback(hostname: string): boolean {
  const h = unbracketed(hostname)
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/**
 * The API root for a data-center URL: `https://eu2-cloud.acronis.com` → `…/api/2`.
 * Refuses anything but https (http only on loopback), so credentials never cross a network in clear.
 */
export function apiRoot(baseUrl: string): URL {
  // A refusal quotes the value, but never a user or password in it, with or without a scheme.
  const value = baseUrl.trim()
  const shown = withoutUserinfo(value).replace(/^[^\s/?#]*@/, '***@')
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(
      `base-url "${shown}" is not a URL; expected a data-center URL such as https://eu2-cloud.acronis.com`,
    )
  }
  if (url.username || url.password)
    throw new Error('base-url must not contain credentials; use client-id and client-secret')
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new Error(
      `base-url "${shown}" must use https:// (plain http is accepted only for loopback hosts such as 127.0.0.1)`,
    )
  }
  if (url.search || url.hash) throw new Error(`base-url "${shown}" must not have a query or fragment`)
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = path.endsWith('/api/2') ? path : `${path}/api/2`
  return url
}
