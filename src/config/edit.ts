import type { TextEdit } from '../model.js'
import { appendEntries } from './edit-add.js'
import { reportsOf } from './edit-cst.js'
import { Editor, type EditProblem, type EntryEdit } from './edit-entry.js'
import { Lines } from './lines.js'

// reports.yaml is edited through yaml's syntax tree (its CST, which keeps every character of the file)
// rather than by re-stringifying a parsed Document, which would normalise what people wrote
// (`x   # c` to `x # c`, `[bob]` to `[ bob ]`): a reviewer must see only the values that changed.

export type { EditProblem, EntryEdit, ScalarField } from './edit-entry.js'
export type { RecipientsEdit } from './edit-recipients.js'

/** The edited text, the edits that made it (for a diff), and what could not be changed. */
export interface Edited {
  text: string
  edits: TextEdit[]
  problems: EditProblem[]
}

/**
 * Writes new values into the text of a valid reports.yaml, and appends entries (`appended`: each
 * entry's lines as export lays them out, `- id:` at column 0 and its keys at column 2; they take the
 * file's indentation). Every line no edit touches stays byte for byte, line endings included.
 */
export function editReports(
  text: string,
  entries: readonly EntryEdit[],
  appended: readonly (readonly string[])[] = [],
): Edited {
  if (!entries.length && !appended.length) return { text, edits: [], problems: [] }
  const lines = new Lines(text)
  const editor = new Editor(lines)
  const list = reportsOf(lines)
  for (const e of entries) {
    const { token, base } = list.entry(e.index)
    editor.entry(token, base, e)
  }
  if (appended.length) appendEntries(editor, list, appended)
  const edits = sortEdits(editor.edits)
  return { text: applyEdits(text, edits), edits, problems: editor.problems }
}

/** Edits in the order they apply: by offset, an insertion before a replacement that starts where it is. */
function sortEdits(edits: readonly TextEdit[]): TextEdit[] {
  return edits
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map(({ e }) => e)
}

/** Applies sorted, non-overlapping edits in one pass. */
function applyEdits(text: string, sorted: readonly TextEdit[]): string {
  const parts: string[] = []
  let at = 0
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`)
    parts.push(text.slice(at, e.start), e.text)
    at = e.end
  }
  parts.push(text.slice(at))
  return parts.join('')
}
