import schema from '../../schema/reports.schema.json' with { type: 'json' }

/** The schema's own patterns, so every check of a UUID or a recipient name agrees with reports.yaml's. */
const UUID = new RegExp(schema.definitions.uuid.pattern)
const NAME = new RegExp(schema.definitions.recipient.anyOf[1]!.pattern!)

/** A UUID in 8-4-4-4-12 hex form, either case. */
export const isUuid = (s: string): boolean => UUID.test(s)

/** A login or email as reports.yaml accepts one in place of a user UUID. */
export const isRecipientName = (s: string): boolean => NAME.test(s)
