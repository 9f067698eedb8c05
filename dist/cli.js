#!/usr/bin/env node
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};
// The command line: placeholder until the CLI lands (issue 6); it shares the engine with the action.
console.error('acronis-report-sync: the command line is not built yet');
process.exit(1);


