/**
 * A minimal Language Server Protocol client over stdio, enough to ask yaml-language-server what an
 * editor would show: diagnostics for a file, and completions at a position. JSON-RPC messages are
 * framed by a Content-Length header (LSP base protocol).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const SERVER = path.join(
  path.dirname(require.resolve('yaml-language-server/package.json')),
  'bin/yaml-language-server',
)

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } }
  message: string
  severity?: number
}

type Message = { id?: number; method?: string; params?: unknown; result?: unknown; error?: unknown }

export class YamlLanguageServer {
  private readonly child: ChildProcessWithoutNullStreams
  private buffer = Buffer.alloc(0)
  private nextId = 1
  private readonly pending = new Map<number, (m: Message) => void>()
  private readonly diagnostics = new Map<string, Diagnostic[]>()
  private readonly waiting: { uri: string; resolve: (d: Diagnostic[]) => void }[] = []
  /** Every request the server sent us, by method: a schema fetched over the network would show here. */
  readonly serverRequests: string[] = []

  constructor(private readonly settings: Record<string, unknown>) {
    // No proxy, no network: a schema that does not resolve locally gives no diagnostics at all.
    this.child = spawn(process.execPath, [SERVER, '--stdio'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    })
    this.child.stdout.on('data', (chunk: Buffer) => this.read(chunk))
  }

  async start(rootUri: string): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri,
      capabilities: {
        textDocument: { publishDiagnostics: {}, completion: { completionItem: { snippetSupport: false } } },
        workspace: { configuration: true },
      },
    })
    this.notify('initialized', {})
    this.notify('workspace/didChangeConfiguration', { settings: this.settings })
  }

  /** Opens a document and resolves with the first diagnostics the server publishes for it. */
  open(uri: string, text: string): Promise<Diagnostic[]> {
    const published = new Promise<Diagnostic[]>((resolve) => this.waiting.push({ uri, resolve }))
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } })
    return published
  }

  async complete(uri: string, line: number, character: number): Promise<string[]> {
    const result = (await this.request('textDocument/completion', {
      textDocument: { uri },
      position: { line, character },
    })) as { items?: { label: string }[] } | { label: string }[] | null
    const items = Array.isArray(result) ? result : (result?.items ?? [])
    return items.map((i) => i.label)
  }

  async stop(): Promise<void> {
    await this.request('shutdown', null).catch(() => undefined)
    this.notify('exit', null)
    this.child.kill()
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(JSON.stringify(m.error))) : resolve(m.result)))
      this.send({ jsonrpc: '2.0', id, method, params })
    })
  }

  private notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params })
  }

  private send(message: unknown): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8')
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`)
    this.child.stdin.write(body)
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk])
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1])
      if (this.buffer.length < end + 4 + length) return
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString('utf8')) as Message
      this.buffer = this.buffer.subarray(end + 4 + length)
      this.handle(message)
    }
  }

  private handle(m: Message): void {
    if (m.id !== undefined && m.method === undefined) return this.pending.get(m.id)?.(m)
    if (m.method === 'textDocument/publishDiagnostics') {
      const { uri, diagnostics } = m.params as { uri: string; diagnostics: Diagnostic[] }
      this.diagnostics.set(uri, diagnostics)
      const i = this.waiting.findIndex((w) => w.uri === uri)
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(diagnostics)
      return
    }
    if (m.id !== undefined && m.method) {
      // A request from the server: answer configuration with our settings, anything else with null.
      this.serverRequests.push(m.method)
      const items = (m.params as { items?: { section?: string }[] } | undefined)?.items ?? []
      const result =
        m.method === 'workspace/configuration'
          ? items.map((i) => (i.section ? this.settings[i.section] : this.settings) ?? null)
          : null
      this.send({ jsonrpc: '2.0', id: m.id, result })
    }
  }
}
