import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/index.ts



/**
 * V8's young generation, in MB, for the thread that runs the action. Left to itself V8 doubles it
 * while reports.yaml is read (an entry at a time: ~1.3 GB of short-lived objects at 10,000 reports,
 * a few of which survive each collection), and the pages stay resident for the rest of the run:
 * 173 MB peak RSS at 10,000 reports, 129 MB held at 8 (`npm run bench`). Below 8 more objects are
 * promoted and the peak rises again (137 MB at 4).
 */
const YOUNG_GENERATION_MB = 8;
// The runner starts `node dist/index.js` with no flags, and a process-wide V8 flag would change the
// collector for everything in the process: Node's resource limit for one thread says what it means
// for the code it means it for. This thread only starts the action's (dist/action.js, a bundle of
// src/action.ts), which shares the environment (SHARE_ENV) and writes to the process's stdout and
// stderr; its exit code (process.exitCode, as @actions/core sets it) becomes the process's.
const action = new external_node_worker_threads_namespaceObject.Worker(external_node_path_default().join(external_node_path_default().dirname((0,external_node_url_namespaceObject.fileURLToPath)(import.meta.url)), 'action.js'), {
    env: external_node_worker_threads_namespaceObject.SHARE_ENV,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
});
action.on('error', (e) => {
    console.error(e);
    process.exitCode = 1;
});
action.on('exit', (code) => {
    if (code)
        process.exitCode = code;
});

