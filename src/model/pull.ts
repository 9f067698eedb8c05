import type { Field, SourceRef } from './change.js'
import type { RunResult } from './run.js'

// What a pull found: the notes, the undeclared reports, the edits of the file.

/** Something pull lists for a person to look at: a live value it left out of the file, or a name it replaced. */
export interface Note {
  id: string
  field: Field
  message: string
  /** Whether the file holds the live value after all (a replaced name) or kept its own. */
  written: boolean
  at: SourceRef
}

/** Reports of the tenant that the file did not declare, with --add-undeclared. */
export interface Undeclared {
  /** Appended to the file. */
  appended: string[]
  /** One-time reports: the API cannot update them, so they are not added (export lists them as comments). */
  oneTime: string[]
  /** Undeclared reports that could not be read (the run then fails). */
  unread: { id: string; error: string }[]
  /** Why nothing could be appended, if so. */
  refused?: string
  /** Undeclared reports no entry can hold as they are (too many recipients): listed, not added. */
  unwritable?: { id: string; reason: string }[]
}

/** One replacement of `text[start, end)`, offsets in the text before any edit; an insertion when start equals end. */
export interface TextEdit {
  start: number
  end: number
  text: string
}

/**
 * What a pull found, and the file before and after. Its outcomes are the entries': `updated` (pulled;
 * `would-update` when not written), `unchanged`, or `failed` (unreadable); each change goes from the
 * file's value to the live one.
 */
export interface PullResult extends RunResult {
  mode: 'pull'
  before: string
  after: string
  /** The edits that turn `before` into `after` (for the diff). */
  edits: TextEdit[]
  /** Live values left out of the file, and names replaced: listed for a person to look at. */
  notes: Note[]
  undeclared?: Undeclared
  written: boolean
}
