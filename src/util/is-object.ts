/** A value that can be read as an object of named fields (an answer's or a record's JSON, checked by hand). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
