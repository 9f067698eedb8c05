// The command line: placeholder until the CLI lands (issue 6); it shares the engine with the action.
console.error('acronis-report-sync: the command line is not built yet')
process.exit(1)
