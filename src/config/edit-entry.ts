import { CST } from 'yaml'
import type { TextEdit } from '../model.js'
import { anchorIn, isValue, pairOf, pairsOf, setScalar, styleOf, type Item } from './edit-cst.js'
import { insertId } from './edit-add.js'
import { editRecipients, type RecipientsEdit } from './edit-recipients.js'
import { MAX_LINE_LENGTH } from './limits.js'
import type { Lines } from './lines.js'
import { sameCase, yamlScalar } from './scalar.js'
import { count } from '../util/plural.js'

/** The fields of an entry that hold one value. */
export type ScalarField = 'kind' | 'level' | 'enabled' | 'hide_zero_usage' | 'show_skus'

/** New values for one entry of `reports`: only the fields it names change; a field the entry lacks is never added. */
export interface EntryEdit {
  /** The entry's index in `reports`. */
  index: number
  scalars?: Partial<Record<ScalarField, string | boolean>>
  recipients?: RecipientsEdit
  /** An entry without id: the id of the report it now stands for, written as the entry's first key. */
  id?: string
}

/** A change that cannot be made in place (the value is anchored, say): that field is left as it is. */
export interface EditProblem {
  /** The entry's index; -1 for the list itself (appending entries). */
  index: number
  field: ScalarField | 'recipients' | 'reports' | 'id'
  message: string
}

/**
 * The edits of one file: each value goes into its token of yaml's syntax tree (CST) and comes out
 * through CST.stringify, at the token's own offset; lines are found by the one scanner (Lines).
 */
export class Editor {
  readonly edits: TextEdit[] = []
  readonly problems: EditProblem[] = []
  /** The file's line ending, for the lines it gains. */
  readonly eol: string
  /** Where the text of the entry at hand starts: its tokens' offsets count from there. */
  base = 0

  constructor(readonly lines: Lines) {
    const nl = lines.text.indexOf('\n')
    this.eol = nl > 0 && lines.text[nl - 1] === '\r' ? '\r\n' : '\n'
  }

  /** A token's offset in the file. */
  at(token: CST.Token | CST.SourceToken): number {
    return this.base + token.offset
  }

  entry(token: CST.Token | undefined, base: number, edit: EntryEdit): void {
    this.base = base
    const fields = [
      ...Object.keys(edit.scalars ?? {}),
      ...(edit.recipients ? ['recipients'] : []),
      ...(edit.id ? ['id'] : []),
    ]
    const pairs = pairsOf(token)
    if (!token || !pairs) {
      for (const field of fields) this.problem(edit.index, field as ScalarField, 'the entry is not a mapping')
      return
    }
    for (const [field, value] of Object.entries(edit.scalars ?? {}) as [ScalarField, string | boolean][])
      this.field(edit.index, field, () => this.scalar(edit.index, field, pairOf(pairs, field), value))
    const recipients = edit.recipients
    if (recipients)
      this.field(edit.index, 'recipients', () => editRecipients(this, edit.index, pairs, recipients))
    const id = edit.id
    if (id) this.field(edit.index, 'id', () => insertId(this, edit.index, token, this.base, pairs, id))
  }

  /**
   * Makes one field's edits, and takes them back when a line they make would be longer than reading
   * allows (a list of a thousand UUIDs in `[...]`): that field is listed, the others still change.
   */
  private field(index: number, field: EditProblem['field'], make: () => void): void {
    const mark = this.edits.length
    make()
    const longest = Math.max(0, ...this.edits.slice(mark).map((e) => this.lines.longestAfter(e)))
    if (longest <= MAX_LINE_LENGTH) return
    this.edits.length = mark
    this.problem(
      index,
      field,
      `the live value would make a line ${count(longest)} characters long; the limit is ${count(MAX_LINE_LENGTH)}`,
    )
  }

  problem(index: number, field: EditProblem['field'], message: string): void {
    this.problems.push({ index, field, message })
  }

  /** Writes `source` into the value token (yamlScalar's text), as an edit of the token's own text. */
  write(token: CST.Token, value: string, source: string): void {
    const start = this.at(token)
    const old = CST.stringify(token)
    setScalar(token, value, source)
    this.edits.push({ start, end: start + old.length, text: CST.stringify(token) })
  }

  private scalar(index: number, field: ScalarField, pair: Item | undefined, value: string | boolean): void {
    const token = pair?.value
    if (!isValue(token)) return this.problem(index, field, 'the value is not a single scalar')
    // Another entry may use the anchor through an alias: changing it here would change that one too.
    const anchor = anchorIn(pair?.sep, token.type === 'block-scalar' ? token.props : undefined)
    if (anchor) return this.problem(index, field, `the value carries the anchor &${anchor}`)
    const text =
      typeof value === 'boolean'
        ? sameCase(String(value), token.source)
        : yamlScalar(value, styleOf(token), false)
    this.write(token, String(value), text)
  }

  /** New lines at `at` (a line's start), each ending as the file's lines end. */
  insertLines(at: number, lines: readonly string[]): void {
    if (!lines.length) return
    const eol = this.eol
    // A file that does not end with a line break keeps not ending with one.
    const text =
      at === this.lines.text.length && at > 0 && !this.lines.text.endsWith('\n')
        ? eol + lines.join(eol)
        : lines.map((l) => l + eol).join('')
    this.edits.push({ start: at, end: at, text })
  }
}
