/** Where something is in a file; line and column are 1-based, as GitHub annotations expect. */
export interface SourceRef {
  file: string
  line: number
  column: number
  endLine?: number
  endColumn?: number
}

/** A stable identifier of what is wrong, for tests and tools (messages are for people). */
export type ConfigErrorCode =
  | 'file-missing'
  | 'file-unreadable'
  | 'file-too-large'
  | 'yaml-syntax'
  | 'alias-limit'
  | 'yaml-limit'
  | 'unknown-key'
  | 'type'
  | 'enum'
  | 'required'
  | 'uuid'
  | 'recipient'
  | 'version'
  | 'duplicate-id'
  | 'recipient-unknown'
  | 'recipient-ambiguous'

/** One problem in reports.yaml, with the place it is at. */
export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly at: SourceRef,
    /** The path of the offending value, such as `reports[2].kind`. */
    readonly path = '',
  ) {
    super(message)
    this.name = 'ConfigError'
  }

  get file(): string {
    return this.at.file
  }
  get line(): number {
    return this.at.line
  }
  get column(): number {
    return this.at.column
  }

  /** `reports.yaml:12:7: message`, the form compilers use, so editors and terminals can link it. */
  toString(): string {
    return `${this.at.file}:${this.at.line}:${this.at.column}: ${this.message}`
  }
}

/** Every problem found in one pass: the file is checked whole before anything is reported. */
export class ConfigErrors extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(
      `${errors.length} configuration error${errors.length === 1 ? '' : 's'} in ${errors[0]?.file ?? 'the configuration'}`,
    )
    this.name = 'ConfigErrors'
  }
}
