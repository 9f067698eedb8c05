#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 5581:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_program_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(35);
// The command line: the same engine as the action (src/engine.ts), printed for a terminal.

// exitCode, not process.exit(): a piped stdout must drain before the process ends.
process.stdout.on('error', (e) => {
    // `acronis-report-sync export | head` closes the pipe early; that is not a failure.
    if (e.code !== 'EPIPE')
        throw e;
});
process.exitCode = await (0,_cli_program_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
});

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 35:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.0.0"};
;// CONCATENATED MODULE: ./src/acronis/errors.ts
/** A failed API call, shown by what the API said (its error code and message), never by its raw body. */
class errors_ApiError extends Error {
    method;
    path;
    status;
    code;
    constructor(method, 
    /** Path under the API root, e.g. `/reports/\u2026`: never a query with credentials, never a token. */
    path, 
    /** HTTP status, or 0 when no response came (network failure after every retry). */
    status, 
    /** The API's `error.code` (a platform code or the status), or an OAuth error such as `invalid_client`. */
    code, message, 
    /** The failure below HTTP this stands for, when there was one (a reset, a timeout, a redirect). */
    options) {
        super(message, options);
        this.method = method;
        this.path = path;
        this.status = status;
        this.code = code;
        this.name = 'ApiError';
    }
    /** `GET /reports/\u2026 \u2192 404 (404): Report not found`: what a person needs to act. */
    describe() {
        const status = this.status ? `${this.status}` : 'no response';
        const code = this.code && this.code !== String(this.status) ? ` ${this.code}` : '';
        return `${this.method} ${this.path} \u2192 ${status}${code}: ${this.message}`;
    }
}
const MAX_MESSAGE = 300;
/** Codes are short (`invalid_client`, `404`); anything longer is not a code. */
const MAX_CODE = 64;
/**
 * Pulls `error.code`/`error.message` (platform) or `error`/`error_description` (OAuth) out of a body.
 * A secret the server echoes back (a token in "invalid token \u2026", say), in any form `redact` knows, is
 * replaced by `***` before the text is trimmed, so not even part of one survives into a log, a summary
 * or a PR comment.
 */
function apiErrorFrom(method, path, status, body, redact = (text) => text) {
    let code = String(status);
    let message = '';
    try {
        const parsed = JSON.parse(body);
        if (typeof parsed.error === 'string') {
            code = parsed.error;
            message = typeof parsed.error_description === 'string' ? parsed.error_description : '';
        }
        else if (parsed.error && typeof parsed.error === 'object') {
            const c = parsed.error.code;
            if (typeof c === 'string' || typeof c === 'number')
                code = String(c);
            message = typeof parsed.error.message === 'string' ? parsed.error.message : '';
            const info = parsed.error.details?.info;
            if (typeof info === 'string' && info && info !== message)
                message += message ? ` (${info})` : info;
        }
        else if (typeof parsed.message === 'string')
            message = parsed.message;
    }
    catch {
        // Not JSON (a proxy's HTML page, say): the status speaks for it; the body is not dumped into logs.
    }
    // Whatever the server sent becomes one short line: it ends up in logs, annotations and a PR comment.
    return new errors_ApiError(method, path, status, oneLine(redact(code), MAX_CODE) || String(status), oneLine(redact(message), MAX_MESSAGE) || statusText(status));
}
/** Text from a server as one trimmed line of at most `max` characters. */
function oneLine(text, max) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > max ? `${line.slice(0, max)}\u2026` : line;
}
function statusText(status) {
    const known = {
        400: 'bad request',
        401: 'unauthorized: the token is missing, expired or invalid',
        403: 'forbidden: the API client has no right to this object',
        404: 'not found',
        409: 'conflict',
        415: 'unsupported content type',
        429: 'too many requests',
    };
    return known[status] ?? (status >= 500 ? 'the service is having trouble' : `HTTP ${status}`);
}
/** One line for any failure: the API's own words for an ApiError, the message otherwise. */
function describeError(e) {
    return e instanceof errors_ApiError ? e.describe() : e instanceof Error ? e.message : String(e);
}

;// CONCATENATED MODULE: ./src/util/log-safe.ts
/**
 * A control character: a newline (to a log, the end of a line), an escape (to a terminal, a command).
 * U+2028 and U+2029 end a line for some readers too.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const ESCAPES = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/**
 * Text with every control character escaped, never raw: it stays on its line. `short` writes them as
 * a log shows them (`\n`, `\x1b`, `\u2028`); `unicode` as JSON and YAML's double quotes write them
 * (`\u000a`, `\u001b`), the form configuration messages quote the file in.
 */
function printable(text, escapes = 'short') {
    return text.replace(CONTROL, (c) => {
        const code = c.charCodeAt(0);
        if (escapes === 'unicode')
            return `\\u${code.toString(16).padStart(4, '0')}`;
        return (ESCAPES[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`));
    });
}
/**
 * The runner reads a workflow command from any line of a step's output: `::name::` at the start of
 * a line once spaces are trimmed, and the legacy `##[name]` anywhere in it (actions/runner,
 * ActionCommand.TryParseV2 and TryParse). A zero-width joiner breaks either marker without changing
 * what people read.
 */
const ZWJ = '\u200d';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|::|##\[/;
/** One line of the log that no data in it can turn into a workflow command. */
function logLine(text) {
    // Most lines hold nothing to neutralise: they are returned as they are, without a copy.
    if (!UNSAFE.test(text))
        return text;
    return printable(text)
        .replace(/^(\s*):(?=:)/, `$1:${ZWJ}`)
        .replace(/##\[/g, `##${ZWJ}[`);
}

;// CONCATENATED MODULE: ./src/util/plural.ts
/** `1,000,001`: a count as the messages write it, with thousands separators whatever the locale. */
const count = (n) => n.toLocaleString('en');
/** `1 report`, `3 reports`: a count with its noun, so no message ever says "1 reports". */
function plural_plural(n, one, other = `${one}s`) {
    return `${n} ${noun(n, one, other)}`;
}
/** The word alone, as `plural` chooses it: `recipient` for one, `recipients` for any other count. */
function noun(n, one, other = `${one}s`) {
    return n === 1 ? one : other;
}

;// CONCATENATED MODULE: ./src/config/errors.ts


/** One problem in reports.yaml, with the place it is at. */
class ConfigError extends Error {
    code;
    at;
    path;
    constructor(code, message, at, 
    /** The path of the offending value, such as `reports[2].kind`. */
    path = '') {
        super(message);
        this.code = code;
        this.at = at;
        this.path = path;
        this.name = 'ConfigError';
    }
    get file() {
        return this.at.file;
    }
    get line() {
        return this.at.line;
    }
    get column() {
        return this.at.column;
    }
    /** `reports.yaml:12:7: message`, the form compilers use, so editors and terminals can link it. */
    toString() {
        return `${this.at.file}:${this.at.line}:${this.at.column}: ${this.message}`;
    }
}
/** Every problem found in one pass: the file is checked whole before anything is reported. */
class errors_ConfigErrors extends Error {
    errors;
    constructor(errors) {
        super(`${plural_plural(errors.length, 'configuration error')} in ${errors[0]?.file ?? 'the configuration'}`);
        this.errors = errors;
        this.name = 'ConfigErrors';
    }
}
/**
 * Text from the file (or a parser's message quoting it) as a message may show it: control characters
 * escaped, so it stays on one line, and cut to `max` characters. Never more of a file than that.
 */
function clip(text, max = 200) {
    const safe = printable(text, 'unicode');
    if (safe.length <= max)
        return safe;
    // Not between the two halves of a surrogate pair.
    const end = /[\ud800-\udbff]/.test(safe[max - 1]) ? max - 1 : max;
    return `${safe.slice(0, end)}\u2026`;
}
/** A value from the file, quoted and clipped: `"usage_daly"`, `"a very long\u2026"`. */
function excerpt(value, max = 40) {
    return `"${clip(value.replace(/["\\]/g, (c) => `\\${c}`), max)}"`;
}

;// CONCATENATED MODULE: ./src/http/deadline.ts
/** The run's time limit (run-timeout-seconds) ended this request: its report is not finished. */
class deadline_RunTimeoutError extends Error {
    seconds;
    stop;
    constructor(seconds, stop) {
        super(deadline_RunTimeoutError.explain(seconds, stop));
        this.seconds = seconds;
        this.stop = stop;
        this.name = 'RunTimeoutError';
    }
    static explain(seconds, stop) {
        const limit = `the run's time limit of ${seconds} s`;
        if (stop.kind === 'not-attempted')
            return `not attempted: ${limit} was reached`;
        if (stop.kind === 'in-flight')
            return `stopped while ${stop.method} ${stop.path} was in flight: ${limit} was reached`;
        const waiting = `stopped while ${stop.method} ${stop.path} waited to be tried again (${stop.reason})`;
        return stop.askedMs === undefined
            ? `${waiting}: ${limit} was reached`
            : `${waiting}: its Retry-After of ${Math.ceil(stop.askedMs / 1000)} s ends after ${limit}`;
    }
}
/** In-flight requests get this long past the limit at most (less when their own timeout ends sooner). */
const GRACE_MS = 5_000;
/** The run's time limit as a point in time (Date.now() ms), counted from when the client was built. */
class RunDeadline {
    seconds;
    at;
    constructor(seconds, now = Date.now()) {
        this.seconds = seconds;
        this.at = seconds > 0 ? now + seconds * 1000 : Infinity;
    }
    /** Whether the limit is spent: no request starts from now on. */
    passed(now = Date.now()) {
        return now >= this.at;
    }
    /** Whether waiting `ms` from now would end past the limit. */
    endsAfter(ms, now = Date.now()) {
        return now + ms >= this.at;
    }
    /** The timeout of a request starting now: its own, or until the limit and its grace if sooner. */
    timeoutMs(ownMs, now = Date.now()) {
        return Math.max(1, Math.min(ownMs, this.at + GRACE_MS - now));
    }
}

;// CONCATENATED MODULE: ./src/http/errors.ts
/**
 * A failure below HTTP: no answer the client can use (a reset, a timeout, a proxy or a certificate
 * not accepted, a redirect refused). The family ky's KyError heads: callers test `instanceof
 * TransportError` and read `code` (the system's, such as ECONNRESET, or ours, such as
 * proxy_refused), never a hand-kept list of its classes. Each class lives with the code that throws it.
 */
class errors_TransportError extends Error {
}

;// CONCATENATED MODULE: ./src/model/change.ts

// What a plan is made of: the fields, a change of one, how every view spells it, where in the file.
/** The fields reports.yaml manages, in the order plans list them. */
const FIELDS = ['kind', 'level', 'recipients', 'enabled', 'hide_zero_usage', 'show_skus'];
/** Fields an update cannot change: compared on a report, set only when one is created. */
const IMMUTABLE_FIELDS = ['tenant', 'result_action', 'formats'];
/** A value as a plan shows it; control characters from the API appear escaped (`\n`), never raw. */
function showValue(v) {
    if (v === null)
        return '(unset)';
    if (Array.isArray(v))
        return `[${v.map((s) => printable(s)).join(', ')}]`;
    return typeof v === 'string' ? printable(v) : String(v);
}
/** `kind: usage_summary \u2192 usage_current`: the one way every log, message and renderer spells a change. */
function change_showChange(c) {
    return `${c.field}: ${showValue(c.from)} \u2192 ${showValue(c.to)}`;
}
/** Several changes on one line, as log lines and messages show them. */
function showChanges(changes) {
    return changes.map(change_showChange).join('; ');
}

;// CONCATENATED MODULE: ./src/model/run.ts
function run_countOutcomes(outcomes) {
    const c = { changed: 0, unchanged: 0, failed: 0, held: 0, created: 0, deleted: 0 };
    for (const o of outcomes) {
        if (o.status === 'failed')
            c.failed++;
        else if (o.status === 'unchanged')
            c.unchanged++;
        else if (o.status === 'held')
            c.held++;
        else if (o.status === 'create' || o.status === 'created')
            c.created++;
        else if (o.status === 'delete' || o.status === 'deleted')
            c.deleted++;
        else
            c.changed++;
    }
    return c;
}
/** Whether a run changes (or would change) anything: updates, creates and deletes. */
function run_changesAnything(c) {
    return c.changed + c.created + c.deleted > 0;
}
/** How a reviewed plan names a report: its id, or for one to create (no id yet) its entry. */
function run_reviewKey(o) {
    return o.id ? o.id.toLowerCase() : `new:${o.entry ?? -1}`;
}

;// CONCATENATED MODULE: ./src/model.ts
// The domain every stage shares: what a plan is made of and what a run concluded. Stages import
// these types from here, never from each other's modules, so data flows one way.





;// CONCATENATED MODULE: ./schema/reports.schema.json
const reports_schema_namespaceObject = /*#__PURE__*/JSON.parse('{"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://raw.githubusercontent.com/acronis-report-sync/acronis-report-sync/v1/schema/reports.schema.json","title":"acronis-report-sync reports.yaml","description":"The desired state of scheduled usage reports of an Acronis Cyber Protect Cloud tenant. A field left out is not managed: its live value is kept.","type":"object","additionalProperties":false,"required":["reports"],"properties":{"version":{"description":"Version of this file\'s format.","const":1},"tenant":{"description":"The tenant new reports belong to (an entry\'s own tenant overrides it), and whose undeclared reports a plan counts. Default: the API client\'s tenant.","$ref":"#/definitions/uuid"},"reports":{"description":"The reports this file manages. An entry without id is a report to create; `state: absent` deletes one. Reports of the tenant that are not listed are never read or written.","type":"array","items":{"$ref":"#/definitions/report"}}},"definitions":{"uuid":{"type":"string","pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},"recipient":{"description":"A user UUID, a login, or an email address. Logins and emails are resolved to user UUIDs through the API.","type":"string","anyOf":[{"$ref":"#/definitions/uuid"},{"pattern":"^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\\\s,]+$"}]},"report":{"type":"object","additionalProperties":false,"properties":{"id":{"description":"The report\'s UUID. Without it, the entry is a report to create (kind, level and result_action required).","$ref":"#/definitions/uuid"},"name":{"description":"A label for summaries and comments.","type":"string","minLength":1},"state":{"description":"absent deletes the report (an entry with id); default present.","enum":["present","absent"]},"tenant":{"description":"parameters.tenant_id: the tenant a new report belongs to (default: the file\'s tenant, then the API client\'s). Cannot change by an update.","$ref":"#/definitions/uuid"},"result_action":{"description":"result_action: send (email the recipients) or save. Cannot change by an update.","enum":["send","save"]},"formats":{"description":"parameters.formats of a new report (default: what the API picks). Cannot change by an update.","type":"array","minItems":1,"items":{"enum":["csv","html","json_v1","csv_v2_0","json_v2_0"]}},"kind":{"description":"parameters.kind","enum":["usage_daily","usage_summary","usage_current","usage_breakdown"]},"level":{"description":"parameters.level","enum":["itself","direct_partners","all_partners","all_customers","accounts"]},"recipients":{"description":"Users who receive the report (only for reports whose result action is send). Compared as a set: order and duplicates are ignored.","type":"array","items":{"$ref":"#/definitions/recipient"}},"enabled":{"description":"schedule.enabled","type":"boolean"},"hide_zero_usage":{"description":"parameters.hide_zero_usage","type":"boolean"},"show_skus":{"description":"parameters.show_skus","type":"boolean"}},"if":{"properties":{"id":{}},"required":["id"]},"else":{"description":"An entry without id is a report to create: it needs kind, level and result_action.","properties":{"kind":{},"level":{},"result_action":{}},"required":["kind","level","result_action"]}}}}');
;// CONCATENATED MODULE: ./src/config/patterns.ts

/** The schema's own patterns, so every check of a UUID or a recipient name agrees with reports.yaml's. */
const UUID = new RegExp(reports_schema_namespaceObject.definitions.uuid.pattern);
const NAME = new RegExp(reports_schema_namespaceObject.definitions.recipient.anyOf[1].pattern);
/** A UUID in 8-4-4-4-12 hex form, either case. */
const isUuid = (s) => UUID.test(s);
/** A login or email as reports.yaml accepts one in place of a user UUID. */
const isRecipientName = (s) => NAME.test(s);

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
var external_node_path_default = /*#__PURE__*/__nccwpck_require__.n(external_node_path_namespaceObject);
;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
var external_node_http_default = /*#__PURE__*/__nccwpck_require__.n(external_node_http_namespaceObject);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_default = /*#__PURE__*/__nccwpck_require__.n(external_node_https_namespaceObject);
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
var external_node_tls_default = /*#__PURE__*/__nccwpck_require__.n(external_node_tls_namespaceObject);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
;// CONCATENATED MODULE: ./src/http/proxy.ts



// Only the proxy rules of @actions/http-client (its HTTP client stays out of the bundle): the same
// variables and NO_PROXY semantics as every official action. getProxyUrl applies checkBypass, which
// never proxies loopback hosts and honours no_proxy/NO_PROXY (`*`, host, host:port, domain suffix).


/** A URL's hostname as node:net wants it: an IPv6 literal without its brackets. */
const unbracketed = (hostname) => hostname.replace(/^\[(.*)\]$/, '$1');
/** A proxy that answered CONNECT with anything but 200, or 407 to a plain request: final, never retried. */
class ProxyError extends errors_TransportError {
    proxy;
    target;
    status;
    code = 'proxy_refused';
    constructor(proxy, target, status, message) {
        super(message);
        this.proxy = proxy;
        this.target = target;
        this.status = status;
        this.name = 'ProxyError';
    }
}
const GATEWAY_ERRORS = new Set([502, 503, 504]);
const VARIABLES = { 'https:': ['https_proxy', 'HTTPS_PROXY'], 'http:': ['http_proxy', 'HTTP_PROXY'] };
/** The proxy a request to `target` goes through, or undefined when it goes direct. */
function proxyFor(target) {
    // @actions/http-client decides whether (loopback, NO_PROXY) and which variable; it reads process.env.
    if (!getProxyUrl(target))
        return undefined;
    const variable = VARIABLES[target.protocol === 'https:' ? 'https:' : 'http:'].find((v) => process.env[v]);
    return parseProxy(variable, process.env[variable]);
}
/** A proxy variable's value: `http://user:password@host:port`, or `host:port` read as http, as curl does. */
function parseProxy(variable, value) {
    let url;
    try {
        url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    }
    catch {
        throw new Error(`${variable} is not a URL; expected http://HOST:PORT`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`${variable}: only http:// and https:// proxies are supported`);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    // Percent-decoded, as @actions/http-client and curl read credentials in a proxy URL.
    const user = safeDecode(url.username);
    const password = safeDecode(url.password);
    return {
        protocol: url.protocol,
        hostname: unbracketed(url.hostname),
        port,
        label: `${url.hostname}:${port}`,
        variable,
        authorization: user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined,
        password: password || undefined,
    };
}
/**
 * What must be masked before anything prints: the password of every proxy variable (as written and
 * percent-decoded) and the Proxy-Authorization credentials made from it.
 */
function proxySecrets(env = process.env) {
    const secrets = new Set();
    for (const variable of Object.values(VARIABLES).flat()) {
        const value = env[variable];
        if (!value)
            continue;
        let proxy;
        try {
            proxy = parseProxy(variable, value);
        }
        catch {
            continue; // not a URL: then it holds no password either, and using it fails with its own message
        }
        // The password as written (up to the last @, as URL parsers read it), as parsed, and decoded.
        const rest = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0];
        const userinfo = rest.includes('@') ? rest.slice(0, rest.lastIndexOf('@')) : '';
        const written = userinfo.includes(':') ? userinfo.slice(userinfo.indexOf(':') + 1) : '';
        for (const p of [written, safeDecode(written), proxy.password])
            if (p)
                secrets.add(p);
        if (proxy.authorization)
            secrets.add(proxy.authorization.slice('Basic '.length));
    }
    return [...secrets];
}
function safeDecode(s) {
    try {
        return decodeURIComponent(s);
    }
    catch {
        return s;
    }
}
/** Why a proxy said no, in words that name the proxy and what to check, never its password. */
function proxyRefusal(proxy, target, status) {
    const what = status === 407
        ? proxy.authorization
            ? `refused the credentials in ${proxy.variable} (407 Proxy Authentication Required): check the user and password`
            : `asks for credentials (407 Proxy Authentication Required): set ${proxy.variable} to http://USER:PASSWORD@${proxy.label}`
        : `refused to connect to ${target} (HTTP ${status}); if ${target.replace(/:\d+$/, '')} should be reached directly, add it to NO_PROXY`;
    return new ProxyError(proxy.label, target, status, `proxy ${proxy.label} ${what}`);
}
/**
 * An https agent whose connections are TLS tunnels through a proxy: one CONNECT per connection, then
 * TLS end to end with the API host (certificate checked against the host's name, NODE_EXTRA_CA_CERTS
 * honoured). The agent pools the tunnels like any connection, so keep-alive and maxSockets hold.
 */
class TunnelAgent extends (external_node_https_default()).Agent {
    proxy;
    connectTimeoutMs;
    /** After a 407 every later request fails the same way at once: the credentials will not change mid-run. */
    refused;
    constructor(proxy, connectTimeoutMs, options) {
        super(options);
        this.proxy = proxy;
        this.connectTimeoutMs = connectTimeoutMs;
    }
    createConnection(options, callback) {
        const done = (err, stream) => callback?.(err, stream);
        if (this.refused)
            return void done(this.refused);
        const target = `${options.host ?? options.hostname}:${options.port ?? 443}`;
        const proxy = this.proxy;
        const request = (proxy.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default())).request({
            host: proxy.hostname,
            port: proxy.port,
            method: 'CONNECT',
            path: target,
            headers: {
                host: target,
                ...(proxy.authorization ? { 'proxy-authorization': proxy.authorization } : {}),
            },
            agent: false,
            ...(proxy.protocol === 'https:' ? { servername: proxy.hostname } : {}),
        });
        const timer = setTimeout(() => {
            const message = `no answer to CONNECT ${target} within ${this.connectTimeoutMs} ms`;
            request.destroy(Object.assign(new Error(message), { code: 'ETIMEDOUT' }));
        }, this.connectTimeoutMs);
        request.once('connect', (res, socket, head) => {
            clearTimeout(timer);
            const status = res.statusCode ?? 0;
            if (status !== 200)
                socket.destroy();
            // A gateway error is the proxy's trouble reaching the host, which may pass: retried like any network error.
            if (GATEWAY_ERRORS.has(status)) {
                const message = `proxy ${proxy.label} could not reach ${target} (HTTP ${status})`;
                return done(Object.assign(new Error(message), { code: `EPROXY${status}` }));
            }
            if (status !== 200) {
                const refusal = proxyRefusal(proxy, target, status);
                if (refusal.status === 407)
                    this.refused = refusal;
                return done(refusal);
            }
            if (head.length)
                socket.unshift(head);
            // The agent's options (servername, ca, keep-alive) apply to the TLS session inside the tunnel.
            done(null, external_node_tls_default().connect({ ...options, socket }));
        });
        // A failure on the way to the proxy keeps its code (the transport retries it as any network error)
        // and says which proxy it was.
        request.once('error', (e) => {
            clearTimeout(timer);
            e.message = `proxy ${proxy.label}: ${e.message}`;
            done(e);
        });
        request.end();
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/util/redact.ts
/** Derived forms shorter than this are not hidden: four characters of base64 would blank half the log. */
const MIN_FORM = 6;
/**
 * What a secret can look like once a server, a proxy or a URL parser has been through it: as it is,
 * lower- and upper-cased (a host name is lower-cased), inside a JSON string (`"` and `\\` escaped),
 * URL- and form-encoded, and base64 at each of the three alignments, so it is found inside any base64
 * text (`id:secret` of a Basic header included).
 */
function secretForms(secret) {
    const forms = new Set([secret, secret.toLowerCase(), secret.toUpperCase(), jsonEscaped(secret)]);
    const encoded = urlEncoded(secret);
    forms.add(encoded).add(encoded.replace(/%20/g, '+')).add(encoded.toLowerCase());
    const bytes = Buffer.from(secret, 'utf8');
    for (const b64 of [bytes.toString('base64'), bytes.toString('base64url')])
        forms.add(b64);
    for (let k = 0; k < 3; k++) {
        // Base64 of the secret preceded by k bytes: only the characters made of its bits alone.
        const b64 = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
        const inner = b64.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
        forms.add(inner).add(inner.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    return [...forms].filter((f) => f === secret || f.length >= MIN_FORM);
}
/** The secret as it reads between the quotes of a JSON string. */
const jsonEscaped = (text) => JSON.stringify(text).slice(1, -1);
function urlEncoded(text) {
    try {
        return encodeURIComponent(text);
    }
    catch {
        return text; // a lone surrogate cannot be encoded, so it cannot be echoed encoded either
    }
}
const SCHEME = /[a-z0-9+.-]/i;
const WORD = /\w/;
const HOST_END = /[\s/?#]/;
/**
 * Text with the userinfo of every URL (`scheme://user:password@`, up to the last `@` before the host
 * ends) replaced by `***`: a password is never printed, whoever wrote the URL. One pass from each
 * `://` (a regular expression that looks for the scheme first takes quadratic time on `a.a.a.\u2026`).
 */
function withoutUserinfo(text) {
    let out = '';
    let done = 0;
    for (let sep = text.indexOf('://'); sep !== -1;) {
        let end = sep + 3;
        let at = -1;
        for (; end < text.length && !HOST_END.test(text[end]); end++)
            if (text[end] === '@')
                at = end;
        const scheme = at === -1 ? -1 : schemeStart(text, done, sep);
        if (scheme === -1) {
            // Another `://` before `end` ends its host at the same place: it has no `@` either.
            sep = text.indexOf('://', at === -1 ? Math.max(end, sep + 1) : sep + 1);
            continue;
        }
        out += `${text.slice(done, sep)}://***@`;
        done = at + 1;
        sep = text.indexOf('://', done);
    }
    return done ? out + text.slice(done) : text;
}
/** Where the scheme before `sep` starts (a letter at a word's start, then letters, digits, `+.-`); -1 if none. */
function schemeStart(text, from, sep) {
    let start = sep;
    while (start > from && SCHEME.test(text[start - 1]))
        start--;
    for (let p = start; p < sep; p++) {
        const letter = /[a-z]/i.test(text[p]);
        if (letter && (p === 0 || !WORD.test(text[p - 1])))
            return p;
    }
    return -1;
}
/**
 * Letters in lower case, code unit by code unit, so every position of the folded text is the position
 * of the same character in the original (`toLowerCase` of a whole string may change its length: \u0130).
 */
function fold(text) {
    // eslint-disable-next-line no-control-regex -- ASCII is every code unit up to 0x7f
    if (!/[^\u0000-\u007f]/.test(text))
        return text.toLowerCase();
    return text.replace(/[A-Z\u00c0-\uffff]/g, (c) => {
        const lower = c.toLowerCase();
        return lower.length === 1 ? lower : c;
    });
}
/** The smallest period of `text` (its length minus its longest proper border), in linear time (KMP). */
function smallestPeriod(text) {
    const border = new Int32Array(text.length);
    for (let i = 1, k = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        while (k > 0 && c !== text.charCodeAt(k))
            k = border[k - 1];
        if (c === text.charCodeAt(k))
            k++;
        border[i] = k;
    }
    return text.length - (text.length ? border[text.length - 1] : 0);
}
/**
 * Every range of `text` that one occurrence of `needle` or more covers, merged, in linear time: after an
 * occurrence the next cannot start before one period later, and a run of overlapping occurrences is
 * followed one period at a time instead of searched again.
 */
function covered(text, needle, into) {
    const f = needle.text;
    let at = text.indexOf(f);
    if (at === -1)
        return;
    const p = (needle.period ??= smallestPeriod(f));
    const tail = f.slice(f.length - p);
    while (at !== -1) {
        let end = at + f.length;
        while (text.startsWith(tail, end))
            end += p;
        into.push([at, end]);
        at = text.indexOf(f, end - f.length + p);
    }
}
/**
 * The run's secrets, each in every form `secretForms` derives, derived once when the secret is added.
 * `onForm` hears each new form (core.setSecret: the runner masks exact strings only); `redact` replaces
 * every form, in any letter case, and every URL's userinfo. No regular expression is built from the
 * secrets (one of 28,000 characters is too large for V8): each form is searched with `indexOf` in the
 * folded text, so redaction takes time linear in the text and the forms, whatever a token's length.
 */
class Redactor {
    onForm;
    secrets = new Set();
    forms = new Set();
    needles = new Map();
    constructor(onForm = () => undefined) {
        this.onForm = onForm;
    }
    /** A Redactor that knows these secrets and tells nobody. */
    static of(...secrets) {
        const r = new Redactor();
        for (const s of secrets)
            r.add(s);
        return r;
    }
    add(secret) {
        if (!secret || this.secrets.has(secret))
            return;
        this.secrets.add(secret);
        for (const form of secretForms(secret)) {
            if (this.forms.has(form))
                continue;
            this.forms.add(form);
            this.onForm(form);
            const text = fold(form);
            if (!this.needles.has(text))
                this.needles.set(text, { text });
        }
    }
    redact = (text) => {
        if (!this.needles.size)
            return withoutUserinfo(text);
        const folded = fold(text);
        const ranges = [];
        for (const needle of this.needles.values())
            covered(folded, needle, ranges);
        if (!ranges.length)
            return withoutUserinfo(text);
        ranges.sort((a, b) => a[0] - b[0]);
        let out = '';
        let done = 0;
        for (const [start, end] of ranges) {
            if (end <= done)
                continue;
            if (start >= done)
                out += `${text.slice(done, start)}***`;
            done = end;
        }
        return withoutUserinfo(out + text.slice(done));
    };
}

;// CONCATENATED MODULE: ./src/acronis/url.ts


/** Hosts where plain http is allowed: a simulator or a tunnel on this machine, never the network. */
function isLoopback(hostname) {
    const h = unbracketed(hostname);
    return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
/**
 * The API root for a data-center URL: `https://eu2-cloud.acronis.com` \u2192 `\u2026/api/2`; a URL that already
 * ends in `/api` or `/api/2` (copied from the API documentation) gets only what it lacks.
 * Refuses anything but https (http only on loopback), so credentials never cross a network in clear.
 */
function apiRoot(baseUrl, label = (name) => name) {
    // A refusal quotes the value, but never a user or password in it, with or without a scheme.
    const value = baseUrl.trim();
    const name = label('base-url');
    const shown = withoutUserinfo(value).replace(/^[^\s/?#]*@/, '***@');
    let url;
    try {
        url = new URL(value);
    }
    catch {
        throw new Error(`${name} "${shown}" is not a URL; expected a data-center URL such as https://eu2-cloud.acronis.com`);
    }
    if (url.username || url.password)
        throw new Error(`${name} must not contain credentials; use ${label('client-id')} and ${label('client-secret')}`);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
        throw new Error(`${name} "${shown}" must use https:// (plain http is accepted only for loopback hosts such as 127.0.0.1)`);
    }
    if (url.search || url.hash)
        throw new Error(`${name} "${shown}" must not have a query or fragment`);
    const path = url.pathname.replace(/\/+$/, '');
    url.pathname = path.endsWith('/api/2') ? path : path.endsWith('/api') ? `${path}/2` : `${path}/api/2`;
    return url;
}

;// CONCATENATED MODULE: ./src/settings/settings.ts



/** A password written into base-url is refused, and is a secret all the same: it is never printed. */
function passwordOf(url) {
    let password;
    try {
        password = new URL(url.trim()).password;
    }
    catch {
        return '';
    }
    try {
        return decodeURIComponent(password);
    }
    catch {
        return password;
    }
}
/** A bad input: the message names the input, quotes the value and says what was expected. */
class InputError extends Error {
    constructor(message) {
        super(message);
        this.name = 'InputError';
    }
}
/** Checks raw values and builds Settings: one set of rules and messages for every entry point. */
function settingsFrom(raw, ctx) {
    const input = checks(raw, ctx);
    const { mode, reason } = input.mode();
    if (mode !== 'validate')
        return online(input, mode, reason);
    // Checked although validate uses none of them: a bad value fails now, not at the first plan.
    input.tenantId();
    input.limits();
    return { ...input.file(), mode, modeReason: reason };
}
/** Settings for a mode known in advance (the command line's plan, apply and export). */
function onlineSettingsFrom(mode, raw, ctx) {
    return online(checks(raw, ctx), mode, `mode: ${mode}`);
}
function online(input, mode, reason) {
    const base = input.text('base-url');
    if (!base)
        throw new InputError(`${input.label('base-url')} is required to ${mode} (e.g. https://eu2-cloud.acronis.com); only validate works without it`);
    const tenantId = input.tenantId();
    let root;
    try {
        root = apiRoot(base, input.label);
    }
    catch (e) {
        throw new InputError(e.message);
    }
    return {
        ...input.file(),
        mode,
        modeReason: reason,
        apiRoot: root,
        credentials: input.credentials(),
        ...input.limits(),
        tenantId,
    };
}
/** One rule per input, each throwing an InputError that names the input as the user knows it. */
function checks(raw, ctx) {
    const label = ctx.label ?? ((name) => name);
    const text = (name) => raw[name]?.trim() ?? '';
    // Defaults repeat action.yml's: the runner fills them in, but a caller that sets nothing must not break.
    const integer = (name, min, max, fallback) => {
        const value = text(name) || String(fallback);
        if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
            throw new InputError(`${label(name)}: "${value}" is not allowed; expected a whole number from ${min} to ${max}`);
        }
        return Number(value);
    };
    const maxChanges = (name = 'max-changes') => {
        const value = text(name);
        if (!value)
            return undefined;
        const m = /^(\d+)(%?)$/.exec(value);
        if (!m || (m[2] && Number(m[1]) > 100)) {
            throw new InputError(`${label(name)}: "${value}" is not allowed; expected a count such as 25 or a percentage such as 30%`);
        }
        return m[2] ? { percent: Number(m[1]) } : { count: Number(m[1]) };
    };
    return {
        label,
        text,
        file: () => {
            const config = text('config') || 'reports.yaml';
            const configPath = external_node_path_default().resolve(ctx.workspace, config);
            return {
                configPath,
                configName: external_node_path_default().relative(ctx.workspace, configPath).split((external_node_path_default()).sep).join('/') || config,
                configRoot: ctx.confine === false ? undefined : ctx.workspace,
            };
        },
        mode: () => {
            const value = text('mode') || 'auto';
            if (value === 'plan' || value === 'apply' || value === 'validate' || value === 'pull')
                return { mode: value, reason: `mode: ${value}` };
            if (value !== 'auto')
                throw new InputError(`${label('mode')}: "${value}" is not allowed; expected auto, plan, apply, pull or validate`);
            // auto never pulls: changing the file is a person's decision, asked for by name.
            const pr = ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target';
            return {
                mode: pr ? 'plan' : 'apply',
                reason: `mode: auto, ${ctx.eventName || 'no'} event \u2192 ${pr ? 'plan' : 'apply'}`,
            };
        },
        tenantId: () => {
            const tenantId = text('tenant-id') || undefined;
            if (tenantId && !isUuid(tenantId))
                throw new InputError(`${label('tenant-id')}: "${tenantId}" is not a UUID`);
            return tenantId;
        },
        credentials: () => {
            const token = text('token');
            const clientId = text('client-id');
            const clientSecret = text('client-secret');
            const [id, secret, tok] = [label('client-id'), label('client-secret'), label('token')];
            if (token && (clientId || clientSecret)) {
                throw new InputError(`set either ${tok}, or ${id} and ${secret}, not both`);
            }
            if (token)
                return { token };
            if (!clientId || !clientSecret) {
                throw new InputError(`credentials: ${clientId ? `${secret} is empty` : `${id} is empty`}; set ${id} and ${secret} (or ${tok})`);
            }
            return { clientId, clientSecret };
        },
        limits: () => ({
            concurrency: integer('concurrency', 1, 64, 8),
            timeoutMs: integer('timeout-seconds', 1, 600, 30) * 1000,
            runTimeoutSeconds: integer('run-timeout-seconds', 0, 86_400, 1800),
            failOnDrift: raw['fail-on-drift'] ?? false,
            maxChanges: maxChanges(),
            maxDeletes: maxChanges('max-deletes'),
        }),
    };
}

;// CONCATENATED MODULE: ./src/util/map-limit.ts
/**
 * Runs `fn` over items with at most `limit` running at once; results keep the input order.
 * When one call throws, no new item starts, every call already running is awaited, and then the
 * first error is thrown: nothing it started is left in flight (Promise.all would return at once).
 */
async function mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    let failure;
    const worker = async () => {
        while (!failure && next < items.length) {
            const i = next++;
            try {
                results[i] = await fn(items[i], i);
            }
            catch (error) {
                failure ??= { error };
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    if (failure)
        throw failure.error;
    return results;
}

;// CONCATENATED MODULE: ./src/engine/recipients.ts



/** Recipients that match no user, or several: configuration errors, found by asking the API (nothing written). */
class RecipientErrors extends errors_ConfigErrors {
}
/** The logins and emails reports.yaml uses in place of user UUIDs, each once. */
function recipientNames(config) {
    const names = new Set();
    for (const r of [...config.reports, ...config.creates])
        for (const x of r.recipients ?? [])
            if (!isUuid(x))
                names.add(x);
    return [...names];
}
/** The users a recipient as written stands for: a UUID itself (lower-cased), a name what it matches. */
function matchesOf(names, x) {
    return isUuid(x) ? [x.toLowerCase()] : (names.get(x) ?? []);
}
/**
 * Looks logins and emails up: `/search` finds candidates (it returns no email), and `/users?uuids=`
 * confirms an email. A name matches a user by exact login, or by email ignoring case. Each name is
 * looked up once per run.
 */
async function lookupNames(names, client, tenant, concurrency) {
    const ids = new Map();
    if (!names.length)
        return ids;
    const tenantId = await tenant();
    if (!tenantId) {
        throw new Error('recipients given by login or email need the tenant: set tenant-id (--tenant-id on the command line) when using a token');
    }
    const found = await mapLimit(names, concurrency, async (name) => {
        const items = (await client.search(tenantId, name, 100)).filter((i) => i.obj_type === 'user');
        return { name, items };
    });
    const emailCandidates = [
        ...new Set(found.filter((f) => f.name.includes('@')).flatMap((f) => f.items.map((i) => i.id))),
    ];
    const emails = new Map((await client.users(emailCandidates)).map((u) => [u.id, u.contact?.email?.toLowerCase()]));
    for (const { name, items } of found) {
        const matches = items.filter((i) => i.login === name || emails.get(i.id) === name.toLowerCase());
        ids.set(name, [...new Set(matches.map((m) => m.id.toLowerCase()))]);
    }
    return ids;
}
/**
 * Turns logins and emails into user UUIDs (lookupNames). A name must match exactly one user; an
 * unknown or ambiguous one is a config error at its line. Plans then show a user by the name the file
 * uses for them, on both sides of the arrow and in every report: the report's own spelling, else the
 * first the file uses; a user the file never names stays a UUID.
 */
async function resolveRecipients(config, client, tenant, concurrency) {
    const ids = await lookupNames(recipientNames(config), client, tenant, concurrency);
    // One map for the whole file, shared by every report that spells its users the same way.
    const known = new Map();
    for (const [name, match] of ids)
        if (match.length === 1 && !known.has(match[0]))
            known.set(match[0], name);
    const errors = [];
    const resolve = (r) => {
        // UUIDs only: nothing to resolve. Without names in the file, no copy either (10,000 reports
        // would mean 10,000 copies); with them, the report borrows the file's map for its plan.
        if (!r.recipients || r.recipients.every((x) => isUuid(x)))
            return r.recipients && known.size ? { ...r, recipientNames: known } : r;
        let own;
        const recipientIds = r.recipients.map((x, i) => {
            if (isUuid(x))
                return x.toLowerCase();
            const at = r.recipientAt?.(i) ?? r.at;
            const match = ids.get(x) ?? [];
            if (match.length !== 1) {
                errors.push(match.length
                    ? new ConfigError('recipient-ambiguous', `recipient "${x}" matches ${match.length} users: ${match.join(', ')}; use a user UUID`, at)
                    : new ConfigError('recipient-unknown', `recipient "${x}" matches no user by login or email`, at));
                return x;
            }
            // This report names the user another way than the file does first: its own spelling wins here.
            if (known.get(match[0]) !== x)
                (own ??= new Map(known)).set(match[0], x);
            return match[0];
        });
        return { ...r, recipientIds, recipientNames: own ?? known };
    };
    const reports = config.reports.map(resolve);
    const creates = config.creates.map(resolve);
    if (errors.length)
        throw new RecipientErrors(errors);
    return { reports, creates };
}

;// CONCATENATED MODULE: ./src/engine/verdict.ts








/** When several reasons apply, the first of this list names the failure. */
const PRECEDENCE = [
    'config',
    'auth',
    'network',
    'api',
    'run-timeout',
    'failed-reports',
    'max-deletes',
    'max-changes',
    'drift',
    'plan-changed',
];
// The reasons a finished run can fail for; config, auth, network and api stop a run before it finishes
// (failureOfError). A reason a run can end with gets one rule here.
const RULES = {
    'run-timeout': ({ runTimeout: t, outcomes }) => t &&
        `the run's time limit of ${t.seconds} s was reached: ${t.stopped} of ${plural_plural(outcomes.length, 'report')} not finished`,
    'failed-reports': (run) => {
        const { failed } = run_countOutcomes(run.outcomes);
        return failed ? `${failed} of ${plural_plural(run.outcomes.length, 'report')} failed` : undefined;
    },
    'max-changes': ({ overMaxChanges: over }) => over &&
        `max-changes: the plan updates ${plural_plural(over.count, 'report')}, over the limit of ${over.limit}; nothing was written`,
    'max-deletes': ({ overMaxDeletes: over }) => over &&
        `max-deletes: the plan deletes ${plural_plural(over.count, 'report')}, over the limit of ${over.limit}; nothing was written`,
    drift: (run, options) => {
        const c = run_countOutcomes(run.outcomes);
        const changed = c.changed + c.created + c.deleted;
        if (!options.failOnDrift || run.mode !== 'plan' || !changed)
            return undefined;
        return `fail-on-drift: ${plural_plural(changed, 'report differs', 'reports differ')} from ${run.config}`;
    },
    'plan-changed': ({ review, outcomes }) => {
        if (!review)
            return undefined;
        if (!review.source && review.policy === 'require') {
            return `reviewed-plan is require and no reviewed plan was found${review.missing ? ` (${review.missing})` : ''}; nothing was written`;
        }
        const { held } = run_countOutcomes(outcomes);
        if (!held)
            return undefined;
        return `${plural_plural(held, 'report')} held: the changes differ from the plan reviewed in ${review.source}; the others were applied`;
    },
};
/**
 * Why a finished run fails, or undefined when it passes: the same rules for the action's step and the
 * CLI's exit code.
 */
function failureOf(run, options = {}) {
    for (const reason of PRECEDENCE) {
        const message = RULES[reason]?.(run, options);
        if (message)
            return { reason, message };
    }
    return undefined;
}
/**
 * Why a run that stopped early failed: `config` for the file and the inputs (and anything else that
 * happened on this machine), `auth` when the API refused the credentials, `network` when the API could
 * not be reached or kept failing, `api` when it answered, but not with what the action can use (an
 * answer not in its documented shape, or an error that no retry changes), `run-timeout` when the
 * run's time limit came first.
 */
function failureOfError(e) {
    if (e instanceof ConfigErrors)
        return { reason: 'config', message: `${e.message}; ${nothingDone(e)}` };
    if (e instanceof RunTimeoutError)
        return { reason: 'run-timeout', message: e.message };
    if (e instanceof ApiError)
        return { reason: apiReason(e), message: e.describe() };
    if (e instanceof TransportError)
        return { reason: 'network', message: e.message };
    return { reason: 'config', message: e instanceof Error ? e.message : String(e) };
}
/**
 * What a run that stopped early did not do, where it is certain: errors found offline sent nothing to
 * the API; errors from the API (recipient look-ups included) come before any write.
 */
function nothingDone(e) {
    if (e instanceof RecipientErrors || e instanceof errors_ApiError || e instanceof errors_TransportError)
        return 'nothing was written';
    if (e instanceof errors_ConfigErrors || e instanceof InputError)
        return 'nothing was sent to the API';
    return undefined;
}
function apiReason(e) {
    if (refusedCredentials(e))
        return 'auth';
    // No answer, or the passing trouble that was retried until the budget ran out.
    if (e.status === 0 || e.status === 408 || e.status === 429 || e.status >= 500)
        return 'network';
    return 'api';
}
function refusedCredentials(e) {
    return e.status === 401 || e.status === 403 || (e.path === '/idp/token' && e.status === 400);
}
/** What to check when the API refused the credentials (or has no token endpoint there); undefined for any other error. */
function authHint(e, usesToken, names) {
    if (e.path === '/idp/token' && (e.status === 400 || e.status === 401))
        return `Check ${names.clientId} and ${names.clientSecret}, and that ${names.baseUrl} is the data center of the API client.`;
    if (e.status === 401 && usesToken)
        return `${names.token} was refused: tokens live 2 hours; get a new one.`;
    if (e.path === '/idp/token' && e.status === 404)
        return `Check ${names.baseUrl}: the data-center URL itself, such as https://eu2-cloud.acronis.com (/api/2 is appended).`;
    return undefined;
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/util/did-you-mean.ts
/** Levenshtein distance, for "did you mean" hints. Inputs are short keys and enum values. */
function editDistance(a, b) {
    let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) {
            cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = cur;
    }
    return prev[b.length];
}
/** The closest candidate when it is close enough to be a plausible typo. */
function didYouMean(value, candidates) {
    let best;
    let bestDistance = Infinity;
    for (const candidate of candidates) {
        const d = editDistance(value.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance)
            [best, bestDistance] = [candidate, d];
    }
    return best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

;// CONCATENATED MODULE: ./src/cli/commands.ts
/** The command line's vocabulary: commands, their options, and the help printed from them. */
const PROGRAM = 'acronis-report-sync';
const OPTIONS = {
    config: { type: 'string', short: 'c', arg: 'FILE', help: 'the desired-state file (default: reports.yaml)' },
    'base-url': {
        type: 'string',
        arg: 'URL',
        help: 'data-center URL such as https://eu2-cloud.acronis.com (default: $ACRONIS_BASE_URL)',
    },
    'tenant-id': {
        type: 'string',
        arg: 'UUID',
        help: "tenant to work in (default: the API client's own, from GET /clients/{id})",
    },
    // `export --tenant` reads naturally, --tenant-id matches the action's input: both work wherever a tenant applies.
    tenant: { type: 'string', arg: 'UUID', help: 'the same as --tenant-id' },
    concurrency: { type: 'string', arg: 'N', help: 'at most N API requests in flight, 1-64 (default: 8)' },
    'timeout-seconds': {
        type: 'string',
        arg: 'S',
        help: 'per-request timeout in seconds, 1-600 (default: 30)',
    },
    'run-timeout': {
        type: 'string',
        arg: 'S',
        help: "the whole run's time limit in seconds, 0 for none (default: 1800); reports not finished by then fail",
    },
    'max-changes': {
        type: 'string',
        arg: 'N|P%',
        help: 'write nothing if more reports than this (a count, or a percentage of those declared) would change',
    },
    'max-deletes': {
        type: 'string',
        arg: 'N|P%',
        help: 'write nothing if more reports than this (a count, or a percentage of those declared) would be deleted',
    },
    json: {
        type: 'boolean',
        help: "print the plan as JSON, one entry per report, as the action's `plan` output (the table goes to stderr)",
    },
    'reviewed-plan': {
        type: 'string',
        arg: 'FILE',
        help: "the reviewed plan (from plan --json, or the action's `plan` output): write only what it shows, hold what differs",
    },
    'detailed-exitcode': {
        type: 'boolean',
        help: 'exit 2 when there are changes (0: none, 1: a failure), as terraform plan does',
    },
    output: {
        type: 'string',
        short: 'o',
        arg: 'FILE',
        help: 'write the file here (and the schema beside it) instead of to stdout; an existing file is kept unless --force',
    },
    force: { type: 'boolean', help: 'with --output: replace the file and the schema copy if they exist' },
    'by-login': {
        type: 'boolean',
        help: 'write recipients by login instead of UUID (one extra call per 100 users)',
    },
    check: {
        type: 'boolean',
        help: 'print the diff and exit 2 when the file would change, writing nothing',
    },
    'add-undeclared': {
        type: 'boolean',
        help: "append the tenant's reports the file does not declare, as export writes them",
    },
    schema: {
        type: 'string',
        arg: 'URL',
        help: 'the $schema line for editors (default with --output: ./reports.schema.json, a copy written beside the file; without: the published schema)',
    },
    help: { type: 'boolean', short: 'h', help: 'show this help' },
};
/** The placeholder of an option's value in help and messages. */
function argOf(name) {
    return OPTIONS[name]?.arg ?? 'a value';
}
const ONLINE = [
    'base-url',
    'tenant-id',
    'tenant',
    'concurrency',
    'timeout-seconds',
    'run-timeout',
];
const COMMANDS = {
    validate: {
        summary: 'check reports.yaml offline: no credentials, no request',
        description: 'Checks reports.yaml against the schema without credentials or any request. Errors are printed\n' +
            'as file:line:col: message. Logins and emails are resolved later, by plan and apply.',
        options: ['config', 'help'],
        online: false,
    },
    plan: {
        summary: 'show what apply would change; writes nothing',
        description: 'Reads every report reports.yaml declares and prints what differs from the file. Sends no write.',
        options: ['config', ...ONLINE, 'detailed-exitcode', 'json', 'help'],
        online: true,
    },
    apply: {
        summary: 'update the reports that differ from reports.yaml',
        description: 'Plans, then sends one PUT per report that differs, one POST per report to create and one DELETE per\n' +
            'report marked state: absent, and prints what happened to each.',
        options: ['config', ...ONLINE, 'max-changes', 'max-deletes', 'reviewed-plan', 'json', 'help'],
        online: true,
    },
    export: {
        summary: 'print a reports.yaml for every report of a tenant',
        description: 'Writes a reports.yaml declaring every scheduled report of the tenant with its live values, so that\n' +
            'plan on it shows no changes. One-time reports, which the API cannot update, are listed as comments.',
        options: ['output', 'force', 'by-login', 'schema', ...ONLINE, 'help'],
        online: true,
    },
    pull: {
        summary: 'write the live values into reports.yaml, its layout kept',
        description: 'Reads every report reports.yaml declares and writes the live values of the fields the file manages\n' +
            'into the file, in place: only those values change, every other line stays as it is. Prints the diff.\n' +
            'Sends no write to the API. A live value the file cannot hold is left as it is and listed.',
        options: ['config', 'check', 'by-login', 'add-undeclared', ...ONLINE, 'help'],
        online: true,
    },
};
const ENVIRONMENT = [
    ['ACRONIS_BASE_URL', 'data-center URL, when --base-url is not given'],
    ['ACRONIS_CLIENT_ID', 'API client id (OAuth2 client credentials)'],
    ['ACRONIS_CLIENT_SECRET', 'API client secret'],
    ['ACRONIS_TOKEN', 'an access token, instead of client id and secret'],
    ['NO_COLOR', 'no colour (by default colour is used only when output is a terminal)'],
    ['FORCE_COLOR', 'colour even when output is piped, e.g. into less -R (NO_COLOR wins over it)'],
];
function columns(rows) {
    const width = Math.max(...rows.map((r) => r[0].length));
    return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}
function optionLabel(name) {
    const o = OPTIONS[name];
    return `${o.short ? `-${o.short}, ` : '    '}--${name}${o.arg ? ` ${o.arg}` : ''}`;
}
function commandHelp(name) {
    const c = COMMANDS[name];
    const lines = [
        `Usage: ${PROGRAM} ${name} [options]`,
        '',
        c.description,
        '',
        'Options:',
        ...columns(c.options.map((o) => [optionLabel(o), OPTIONS[o].help])),
    ];
    if (c.online)
        lines.push('', 'Environment:', ...columns(ENVIRONMENT));
    else
        lines.push('', 'Environment:', ...columns(ENVIRONMENT.filter(([n]) => n.endsWith('_COLOR'))));
    const exit = name === 'plan'
        ? '0 no failure, 1 a failure (a report, the file, credentials or arguments), 2 changes with --detailed-exitcode'
        : name === 'export'
            ? '0 every report exported, 1 a failure (a report that could not be read is listed in the file)'
            : name === 'pull'
                ? '0 success, 1 a failure (a report that could not be read, the file, credentials or arguments), 2 the file would change with --check'
                : '0 success, 1 a failure (a report, the file, credentials or arguments)';
    lines.push('', `Exit codes: ${exit}`);
    return lines.join('\n') + '\n';
}
function overview(version) {
    return [
        `${PROGRAM} ${version}: reports.yaml as the source of truth for Acronis Cyber Protect Cloud usage reports`,
        '',
        `Usage: ${PROGRAM} <command> [options]`,
        '',
        'Commands:',
        ...columns(Object.entries(COMMANDS).map(([n, c]) => [n, c.summary])),
        '',
        'Options:',
        ...columns([
            ['-h, --help', 'show this help'],
            ['    --version', 'print the version'],
        ]),
        '',
        `Run "${PROGRAM} <command> --help" for a command's options.`,
        '',
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/cli/args.ts



/** A command line that cannot be run: the message names the bad word and what was expected. */
class UsageError extends Error {
    command;
    constructor(message, 
    /** The command whose help would explain it, if one was recognised. */
    command) {
        super(message);
        this.command = command;
        this.name = 'UsageError';
    }
}
const NAMES = Object.keys(COMMANDS);
function command(word) {
    if (NAMES.includes(word))
        return word;
    const hint = didYouMean(word, NAMES);
    throw new UsageError(`unknown command "${word}"; ${hint ? `did you mean "${hint}"?` : `expected one of: ${NAMES.join(', ')}`}`);
}
/**
 * Reads `<command> [options]`. util.parseArgs splits the words (non-strict, with tokens); the checks
 * are ours, on the tokens, so messages do not depend on the wording of Node's errors.
 */
function parseCommandLine(argv) {
    const [first, ...rest] = argv;
    if (first === undefined)
        throw new UsageError(`a command is required: ${NAMES.join(', ')}`);
    if (first === '--help' || first === '-h')
        return { kind: 'overview' };
    if (first === '--version')
        return { kind: 'version' };
    if (first === 'help')
        return rest[0] ? { kind: 'help', command: command(rest[0]) } : { kind: 'overview' };
    if (first.startsWith('-'))
        throw new UsageError(`${first} is not allowed here; a command comes first`);
    const name = command(first);
    const options = {};
    for (const o of COMMANDS[name].options) {
        const spec = OPTIONS[o];
        options[o] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
    }
    const { values, tokens } = (0,external_node_util_namespaceObject.parseArgs)({ args: [...rest], options, strict: false, tokens: true });
    for (const token of tokens)
        check(token, name);
    if (values.help)
        return { kind: 'help', command: name };
    return { kind: 'run', command: name, flags: values };
}
/** The first word the command cannot take, in the order given, as a UsageError. */
function check(token, name) {
    if (token.kind === 'positional')
        throw new UsageError(`unexpected argument "${token.value}": ${name} takes options only`, name);
    if (token.kind !== 'option')
        return;
    const allowed = COMMANDS[name].options;
    if (!allowed.includes(token.name)) {
        if (token.rawName.startsWith('--') && token.name in OPTIONS)
            throw new UsageError(`${token.rawName} does not apply to ${name}`, name);
        const hint = didYouMean(token.name, allowed);
        throw new UsageError(`unknown option ${token.rawName} for ${name}${hint ? `; did you mean --${hint}?` : ''}`, name);
    }
    const type = OPTIONS[token.name].type;
    if (type === 'boolean' && token.value !== undefined)
        throw new UsageError(`--${token.name} takes no value`, name);
    // As strict parsing would: `--config --help` forgot the file rather than naming one called "--help".
    const missing = !token.value || (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-'));
    if (type === 'string' && missing)
        throw new UsageError(`--${token.name} needs a value (${argOf(token.name)})`, name);
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/config/read.ts





const CHUNK = 64 * 1024;
/**
 * The text of reports.yaml, read only when it is a regular file (inside `root` when given), never more
 * than `maxBytes` of it, and only when it is UTF-8. A file in the wrong place or of the wrong kind is
 * refused before it is opened, so nothing of what is not configuration can reach a message.
 */
async function readConfigText(file, displayName, limits) {
    const fail = failWith(displayName);
    const real = await resolveInside(file, displayName, limits.root);
    const before = await (0,promises_namespaceObject.stat)(real);
    if (!before.isFile())
        fail('file-not-regular', `${displayName} is ${kindOf(before)}, not a regular file`);
    if (before.size > limits.maxBytes)
        fail('file-too-large', tooLarge(before.size, limits.maxBytes));
    const bytes = await readBytes(real, before, displayName, limits.maxBytes);
    // A size of 0 is what /proc reports for files that do have content: the bound is what was read.
    if (bytes.length > limits.maxBytes)
        fail('file-too-large', tooLarge(undefined, limits.maxBytes));
    return decode(bytes, displayName);
}
function failWith(displayName) {
    const top = { file: displayName, line: 1, column: 1 };
    return (code, message) => {
        throw new errors_ConfigErrors([new ConfigError(code, message, top)]);
    };
}
/**
 * The real path of `file`, symbolic links resolved, when it is inside `root` (undefined: anywhere).
 * Reading and writing both go through it, so neither follows a link out of the workspace.
 */
async function resolveInside(file, displayName, root) {
    const fail = failWith(displayName);
    let real;
    try {
        real = await (0,promises_namespaceObject.realpath)(file);
    }
    catch (e) {
        const code = e.code;
        if (code === 'ENOENT' || code === 'ENOTDIR')
            fail('file-missing', `configuration file not found: ${file}`);
        return fail('file-unreadable', `cannot read ${file} (${code ?? 'error'})`);
    }
    if (root !== undefined) {
        const top = await (0,promises_namespaceObject.realpath)(root).catch(() => external_node_path_default().resolve(root));
        const inside = external_node_path_default().relative(top, real);
        if (inside === '..' || inside.startsWith(`..${(external_node_path_default()).sep}`) || external_node_path_default().isAbsolute(inside))
            fail('file-outside', `${displayName} resolves to a file outside ${top}; only a file inside it is read or written (a symbolic link must point inside it too)`);
    }
    return real;
}
/**
 * At most `max` bytes of the regular file at `real`, which must still be the file `before` describes.
 * O_NONBLOCK: should the path have become a FIFO since stat, opening it does not wait for a writer;
 * O_NOFOLLOW: nor has its last part become a symbolic link. What was opened is checked again.
 */
async function readBytes(real, before, displayName, max) {
    const fail = failWith(displayName);
    const handle = await (0,promises_namespaceObject.open)(real, external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NONBLOCK | external_node_fs_namespaceObject.constants.O_NOFOLLOW).catch((e) => fail('file-unreadable', `cannot read ${displayName} (${e.code ?? 'error'})`));
    try {
        const opened = await handle.stat();
        if (!opened.isFile() || opened.ino !== before.ino || opened.dev !== before.dev)
            fail('file-unreadable', `${displayName} changed while it was being opened; run again`);
        return await readAtMost(handle, max + 1);
    }
    finally {
        await handle.close();
    }
}
async function readAtMost(handle, max) {
    const chunks = [];
    let total = 0;
    while (total < max) {
        const chunk = Buffer.allocUnsafe(Math.min(CHUNK, max - total));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0)
            break;
        chunks.push(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead));
        total += bytesRead;
    }
    return Buffer.concat(chunks, total);
}
function kindOf(s) {
    if (s.isDirectory())
        return 'a directory';
    if (s.isFIFO())
        return 'a named pipe (FIFO)';
    if (s.isCharacterDevice())
        return 'a character device';
    if (s.isBlockDevice())
        return 'a block device';
    if (s.isSocket())
        return 'a socket';
    return 'not a regular file';
}
function tooLarge(size, max) {
    return size === undefined
        ? `configuration file is larger than the limit of ${count(max)} bytes`
        : `configuration file is ${count(size)} bytes; the limit is ${count(max)}`;
}
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** UTF-8 text, or an error at the line and column of the first byte that is not UTF-8. */
function decode(data, file) {
    try {
        return utf8.decode(data);
    }
    catch {
        const at = firstInvalidUtf8(data);
        const lineStart = data.lastIndexOf(10, at - 1) + 1;
        const line = countNewlines(data, lineStart) + 1;
        const column = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8', lineStart, at).length + 1;
        // A byte-order mark of UTF-16, little or big endian.
        const bom = (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff);
        const utf16 = bom ? ' (it looks like UTF-16)' : '';
        const hex = `0x${data[at].toString(16).toUpperCase().padStart(2, '0')}`;
        throw new errors_ConfigErrors([
            new ConfigError('encoding', `not UTF-8${utf16}: byte ${hex} here does not belong to a UTF-8 character; save the file as UTF-8`, { file, line, column }),
        ]);
    }
}
function countNewlines(data, end) {
    let n = 0;
    for (let i = data.indexOf(10); i !== -1 && i < end; i = data.indexOf(10, i + 1))
        n++;
    return n;
}
/** Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629, table 3-7 of Unicode), or -1. */
function firstInvalidUtf8(b) {
    for (let i = 0; i < b.length;) {
        const c = b[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
        if (!more)
            return i;
        // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
        const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
        const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
        const second = b[i + 1];
        if (second === undefined || second < lo || second > hi)
            return i;
        for (let k = 2; k <= more; k++)
            if (((b[i + k] ?? 0) & 0xc0) !== 0x80)
                return i;
        i += more + 1;
    }
    return -1;
}

;// CONCATENATED MODULE: ./src/config/write.ts






const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/**
 * `content` in a new temporary file beside `target` (`.<name>.<random>.tmp`), synced, with `mode`; its
 * path. O_EXCL|O_NOFOLLOW: a new file of our own, never one a link points at. A failed write leaves
 * no file behind.
 */
async function writeTemp(target, mode, content) {
    const temp = external_node_path_default().join(external_node_path_default().dirname(target), `.${external_node_path_default().basename(target)}.${(0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex')}.tmp`);
    const flags = external_node_fs_namespaceObject.constants.O_WRONLY | external_node_fs_namespaceObject.constants.O_CREAT | external_node_fs_namespaceObject.constants.O_EXCL | external_node_fs_namespaceObject.constants.O_NOFOLLOW;
    const handle = await (0,promises_namespaceObject.open)(temp, flags, mode);
    try {
        try {
            await handle.writeFile(content);
            await handle.sync();
        }
        finally {
            await handle.close();
        }
    }
    catch (e) {
        await (0,promises_namespaceObject.unlink)(temp).catch(() => undefined);
        throw e;
    }
    return temp;
}
/**
 * Replaces reports.yaml with `text`, where it was read and only if it still holds exactly what was
 * read (`read`, the text the edits were made in). The new text goes to a temporary file beside the
 * real one (links resolved, inside `root` when given, as reading checks), then takes its place in one
 * rename, after a last look: the path still resolves there, and the file still holds the bytes read.
 * Otherwise nothing is written and a ConfigErrors says why. A byte order mark the file had is kept.
 */
async function writeConfigText(file, displayName, limits, read, text) {
    const changed = (why) => {
        const message = `${displayName} ${why} while pull ran; nothing was written (run pull again)`;
        throw new errors_ConfigErrors([
            new ConfigError('file-changed', message, { file: displayName, line: 1, column: 1 }),
        ]);
    };
    const real = await resolveInside(file, displayName, limits.root);
    const before = await (0,promises_namespaceObject.stat)(real);
    if (!before.isFile())
        changed('is no longer a regular file');
    const bom = (await holds(real, before, displayName, limits, read)) ?? changed('changed');
    const temp = await writeTemp(real, before.mode & 0o777, bom ? Buffer.concat([BOM, Buffer.from(text)]) : text);
    let renamed = false;
    try {
        // The last look, right before the rename: the same place, the same file, the same bytes.
        if ((await resolveInside(file, displayName, limits.root)) !== real)
            changed('was moved or re-linked');
        const now = await (0,promises_namespaceObject.lstat)(real);
        if (!now.isFile() || now.ino !== before.ino || now.dev !== before.dev)
            changed('was replaced');
        if ((await holds(real, now, displayName, limits, read)) !== bom)
            changed('changed');
        // rename replaces the directory entry itself: it never follows a link put there meanwhile.
        await (0,promises_namespaceObject.rename)(temp, real);
        renamed = true;
    }
    finally {
        if (!renamed)
            await (0,promises_namespaceObject.unlink)(temp).catch(() => undefined);
    }
}
/** Whether the file holds exactly `read` as bytes: false without a byte order mark, true with one, undefined if not. */
async function holds(real, stats, displayName, limits, read) {
    const bytes = await readBytes(real, stats, displayName, limits.maxBytes);
    const expected = Buffer.from(read);
    if (bytes.equals(expected))
        return false;
    if (bytes.length === expected.length + 3 &&
        bytes.subarray(0, 3).equals(BOM) &&
        bytes.subarray(3).equals(expected))
        return true;
    return undefined;
}
const SAYS = {
    exists: 'exists',
    link: 'is a symbolic link',
    'not-regular': 'is not a regular file',
};
/** A file `writeNewText` would not write, and why: nothing was written. */
class WriteRefused extends Error {
    file;
    why;
    constructor(file, why) {
        super(`${file} ${SAYS[why]}; nothing was written`);
        this.file = file;
        this.why = why;
        this.name = 'WriteRefused';
    }
}
async function lstatIfAny(file) {
    return (0,promises_namespaceObject.lstat)(file).catch((e) => {
        if (e.code === 'ENOENT')
            return undefined;
        throw e;
    });
}
function refusalOf(now, replace) {
    if (!now)
        return undefined;
    if (now.isSymbolicLink())
        return 'link';
    if (!now.isFile())
        return 'not-regular';
    return replace ? undefined : 'exists';
}
/** Why `writeNewText` would refuse `file` now (undefined: it would write it), to ask before any work. */
async function refusal(file, replace) {
    return refusalOf(await lstatIfAny(external_node_path_default().resolve(file)), replace);
}
/** Hard links unsupported (some network and FAT file systems): the name is taken by a rename instead. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);
/**
 * Writes a file that is not read first (export's output), whole or not at all. The text goes to a
 * temporary file beside it, then takes its name: linked there when nothing may be replaced (which
 * fails if a file appeared meanwhile), renamed over it when a regular file may be (keeping its mode).
 * A symbolic link at the name is neither followed nor replaced, a file that exists is kept without
 * `replace`: a WriteRefused says why. Missing directories are made.
 */
async function writeNewText(file, text, replace) {
    const target = external_node_path_default().resolve(file);
    const check = async () => {
        const now = await lstatIfAny(target);
        const why = refusalOf(now, replace);
        if (why)
            throw new WriteRefused(file, why);
        return now;
    };
    const before = await check();
    await (0,promises_namespaceObject.mkdir)(external_node_path_default().dirname(target), { recursive: true });
    const temp = await writeTemp(target, before ? before.mode & 0o777 : 0o666, text);
    try {
        await check();
        // link, unlike rename, never replaces what is there: a file that appeared since is kept.
        const linked = replace
            ? false
            : await (0,promises_namespaceObject.link)(temp, target).then(() => true, (e) => {
                if (e.code === 'EEXIST')
                    throw new WriteRefused(file, 'exists');
                if (!NO_LINKS.has(e.code ?? ''))
                    throw e;
                return false;
            });
        if (!linked)
            await (0,promises_namespaceObject.rename)(temp, target);
    }
    finally {
        await (0,promises_namespaceObject.unlink)(temp).catch(() => undefined);
    }
}

;// CONCATENATED MODULE: ./src/acronis/types.ts
/** Enumerations of the Account Management API v2 (shared/acronis-api.md). */
const REPORT_KINDS = ['usage_daily', 'usage_summary', 'usage_current', 'usage_breakdown'];
const REPORT_LEVELS = [
    'itself',
    'direct_partners',
    'all_partners',
    'all_customers',
    'accounts',
];
const REPORT_FORMATS = (/* unused pure expression or super */ null && (['csv', 'html', 'json_v1', 'csv_v2_0', 'json_v2_0']));
const RESULT_ACTIONS = (/* unused pure expression or super */ null && (['save', 'send']));
const SCHEDULE_TYPES = (/* unused pure expression or super */ null && (['once', 'monthly']));
/** True when `value` is one of the values the vendor documents for it. */
function documented(known, value) {
    return known.includes(value);
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __nccwpck_require__(8815);
;// CONCATENATED MODULE: ./src/config/lines.ts

/*
 * The one line scanner of config/: every walk over the lines of reports.yaml, and every look at what
 * one line holds, goes through here. It reads character codes in place: a 10,000-report file has
 * 100,000 lines, and a string per line (or per character) is garbage enough to make V8 grow its young
 * generation for the rest of the run.
 */
const SPACE = 32;
const TAB = 9;
const HASH = 35;
/**
 * The lines of a text: where each starts, found in one pass and kept in yaml's LineCounter (the one
 * yaml itself uses for positions), and the way from an offset to its line and column.
 */
class Lines {
    text;
    counter = new dist/* LineCounter */.HN();
    constructor(text) {
        this.text = text;
        for (let from = 0;;) {
            this.counter.addNewLine(from);
            const nl = text.indexOf('\n', from);
            if (nl < 0)
                break;
            from = nl + 1;
        }
    }
    /** How many lines: one more than the line breaks. */
    get count() {
        return this.counter.lineStarts.length;
    }
    /** Where line `i` (0-based) starts. */
    start(i) {
        return this.counter.lineStarts[i];
    }
    /** Where line `i` ends: at its `\n`, or at the end of the text (a `\r` before it is the line's). */
    end(i) {
        const next = this.counter.lineStarts[i + 1];
        return next === undefined ? this.text.length : next - 1;
    }
    /** The 1-based line and column of an offset, as annotations want them. */
    position(offset) {
        return this.counter.linePos(offset);
    }
    /** Where the line that `offset` is on starts. */
    lineStart(offset) {
        return this.start(this.position(offset).line - 1);
    }
    /** The offset after the line break of the line that `offset` is on (or ends, when right after one). */
    lineEnd(offset) {
        if (offset > 0 && this.text.charCodeAt(offset - 1) === 10)
            return offset;
        const line = this.position(offset).line - 1;
        return line + 1 < this.count ? this.start(line + 1) : this.text.length;
    }
    /** The longest line `edit` of this text leaves, with what stays of the lines it starts and ends on. */
    longestAfter(edit) {
        const head = edit.start - this.lineStart(edit.start);
        const nl = this.text.indexOf('\n', edit.end);
        const tail = (nl < 0 ? this.text.length : nl) - edit.end;
        const parts = edit.text.split('\n');
        if (parts.length === 1)
            return head + edit.text.length + tail;
        const inner = parts.slice(1, -1).map((p) => p.length);
        return Math.max(head + parts[0].length, ...inner, parts[parts.length - 1].length + tail);
    }
    /** The spaces that start line `i`. */
    indent(i) {
        const from = this.start(i);
        const to = this.end(i);
        let at = from;
        while (at < to && this.text.charCodeAt(at) === SPACE)
            at++;
        return at - from;
    }
}
/**
 * Where the quoted scalar that opens at text[at] closes on its line (the offset of its closing quote),
 * or -1 when it runs past `to`. `''` escapes a quote in single quotes, a backslash one in double quotes.
 */
function quoteEnd(text, at, to) {
    const q = text.charCodeAt(at);
    for (let j = at + 1; j < to; j++) {
        const d = text.charCodeAt(j);
        if (q === 34 && d === 92)
            j++;
        else if (d === q && !(q === 39 && j + 1 < to && text.charCodeAt(j + 1) === 39))
            return j;
        else if (q === 39 && d === 39)
            j++;
    }
    return -1;
}
/** Where a quote or a flow collection may begin: after YAML white space or a flow/mapping indicator. */
function startsToken(code) {
    if (code > 127)
        return /\s/.test(String.fromCharCode(code));
    return (code === SPACE || (code >= 9 && code <= 13) || code === 58 || code === 91 || code === 123 || code === 44);
}
/**
 * Whether every quoted scalar and flow collection that opens on the line text[from, to) also closes on
 * it: only then can the line be read on its own.
 */
function closedOnItsLine(text, from = 0, to = text.length) {
    let depth = 0;
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        const starts = i === from || startsToken(text.charCodeAt(i - 1));
        if (c === HASH && (i === from || text.charCodeAt(i - 1) === SPACE))
            break;
        if ((c === 34 || c === 39) && starts) {
            i = quoteEnd(text, i, to);
            if (i < 0)
                return false;
        }
        else if ((c === 91 || c === 123) && (starts || depth > 0))
            depth++;
        else if ((c === 93 || c === 125) && depth > 0)
            depth--;
    }
    return depth === 0;
}
const isBlank = (c) => c === SPACE || c === TAB;
/**
 * Block indicators on the line text[from, to) outside flow collections (`- - - x`, `? ? x`,
 * `a: b: c: d`): each opens a collection inside the last (or would, were it valid), and yaml's parser
 * recurses once for each and pays the square of their number. Quoted text, flow collections and
 * comments hold none.
 */
function blockIndicators(text, from, to) {
    let count = 0;
    let flow = 0;
    for (let at = from; at < to; at++) {
        const c = text.charCodeAt(at);
        if (isBlank(c))
            continue;
        const starts = at === from || isBlank(text.charCodeAt(at - 1));
        if (c === HASH && starts)
            break;
        const next = at + 1 < to ? text.charCodeAt(at + 1) : SPACE;
        if ((c === 91 || c === 123) && (starts || flow > 0))
            flow++;
        else if ((c === 93 || c === 125) && flow > 0)
            flow--;
        else if ((c === 34 || c === 39) && starts) {
            const end = quoteEnd(text, at, to);
            if (end < 0)
                break;
            at = end;
        }
        else if ((c === 45 || c === 63 || c === 58) && isBlank(next) && !flow)
            count++;
    }
    return count;
}

;// CONCATENATED MODULE: ./src/config/limits.ts


/*
 * Bounds checked before yaml composes a document. Past them yaml slows down more than linearly or
 * overflows the stack: a continuation line indented 40,000 columns took 3.4 s, `- ` repeated on one
 * line costs the square of its count, 800 nested `[` ended in "Maximum call stack size exceeded", and
 * the duplicate-key check costs the square of a mapping's size. reports.yaml needs none of it: 4 levels
 * of nesting, 8 keys in a mapping, lines of a few hundred characters.
 */
const MAX_LINE_LENGTH = 10_000;
const MAX_INDENT = 100;
const MAX_DEPTH = 64;
const MAX_KEYS = 64;
/**
 * Items of one list: composing costs ~100 bytes of memory per byte of a dense list (`- a` lines), so a
 * 16 MiB file of one report's recipients took 1.9 GB and 10 s, near the heap of a 7 GB runner. The
 * reports list may hold 100,000 reports (ten times the largest file measured); any other list is a
 * report's recipients, a few people.
 */
const MAX_REPORTS = 100_000;
const MAX_ITEMS = 1_000;
const limits_SPACE = 32;
/**
 * Reads the lines once, before any parsing (the one scanner, Lines), and stops at the first line past
 * a bound: too long, indented too deep, or nesting too many block collections.
 */
function scanLines(text) {
    const lines = new Lines(text);
    for (let i = 0; i < lines.count; i++) {
        const limit = lineLimit(text, lines.start(i), lines.end(i));
        if (limit)
            return { lines, limit };
    }
    return { lines };
}
function lineLimit(text, from, to) {
    if (to - from > MAX_LINE_LENGTH) {
        return {
            offset: from,
            message: `this line is ${count(to - from)} characters long; the limit is ${count(MAX_LINE_LENGTH)}`,
        };
    }
    let at = from;
    while (at < to && text.charCodeAt(at) === limits_SPACE)
        at++;
    // A line of nothing but spaces has no indentation that matters.
    if (at === to || text.charCodeAt(at) === 13)
        return undefined;
    if (at - from > MAX_INDENT) {
        return {
            offset: from,
            message: `this line is indented ${count(at - from)} columns; the limit is ${MAX_INDENT}`,
        };
    }
    if (blockIndicators(text, at, to) > MAX_DEPTH)
        return { offset: at, message: tooDeep };
    return undefined;
}
const tooDeep = `collections nested more than ${MAX_DEPTH} levels deep; reports.yaml needs 4`;
/**
 * A list of `items` at `depth` of the document, starting at `offset`, past its bound: the reports list
 * sits at depth 1; any deeper list is a report's recipients. The one wording, whichever path counted.
 */
function listLimit(offset, items, depth) {
    const most = depth <= 1 ? MAX_REPORTS : MAX_ITEMS;
    if (items <= most)
        return undefined;
    const what = depth <= 1 ? 'reports' : 'recipients of one report';
    return { offset, message: `a list of ${count(items)} items; the limit is ${count(most)} (${what})` };
}
const referring = (tokens) => !!tokens?.some((t) => t.type === 'anchor' || t.type === 'tag' || t.type === 'alias');
/**
 * Checks yaml's syntax tree (its CST) before it is composed: composing recurses once per level, and
 * checks each key of a mapping against every other. The walk itself keeps its own stack, so no depth
 * can overflow it. `depth` is how deep `tokens` sit in the document (an entry of the reports list: 2).
 */
function inspect(tokens, depth = 0) {
    const stack = tokens.map((t) => [t, depth]);
    let references = false;
    let limit;
    const found = (l) => {
        if (!limit || l.offset < limit.offset)
            limit = l;
    };
    for (let top = stack.pop(); top; top = stack.pop()) {
        const [token, d] = top;
        switch (token.type) {
            case 'document':
                references ||= referring(token.start);
                if (token.value)
                    stack.push([token.value, d]);
                break;
            case 'directive':
            case 'alias':
                references = true;
                break;
            case 'block-scalar':
                references ||= referring(token.props);
                break;
            case 'block-map':
            case 'block-seq':
            case 'flow-collection': {
                if (d >= MAX_DEPTH) {
                    found({ offset: token.offset, message: tooDeep });
                    break;
                }
                const map = token.type === 'block-map' || (token.type === 'flow-collection' && token.start.source === '{');
                if (map && token.items.length > MAX_KEYS) {
                    const message = `a mapping with ${count(token.items.length)} keys; the limit is ${MAX_KEYS} (a report has 8)`;
                    found({ offset: token.offset, message });
                    break;
                }
                const tooMany = map ? undefined : listLimit(token.offset, token.items.length, d);
                if (tooMany) {
                    found(tooMany);
                    break;
                }
                for (const item of token.items) {
                    references ||= referring(item.start) || referring(item.sep);
                    if (item.key)
                        stack.push([item.key, d + 1]);
                    if (item.value)
                        stack.push([item.value, d + 1]);
                }
            }
        }
    }
    return { limit, references };
}

;// CONCATENATED MODULE: ./src/config/scalar.ts

/**
 * What may not stand raw in a written scalar: C0 and C1 controls (tab included), DEL, the Unicode line
 * and paragraph separators, the byte order mark, and a surrogate without its pair. yaml's stringifier
 * escapes some of them (`\e`, `\a`, `\n`), not all (DEL, U+0085, U+2028 stay raw).
 */
const scalar_UNSAFE = 
// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE_ALL = new RegExp(scalar_UNSAFE.source, 'g');
/** A flow list ends a plain scalar at `,` `[` `]` `{` `}` and `: `: plain only for the simplest values. */
const FLOW_PLAIN = /^\w[\w.@+-]*$/;
// Never over several lines: lineWidth 0 folds nothing, double quotes never break a line (yaml would
// write a line break in one as two raw ones), blockQuote false never writes `|-` or `>`.
const ONE_LINE = { lineWidth: 0, blockQuote: false, doubleQuotedMinMultiLineLength: Infinity };
const written = (value, type) => (0,dist/* stringify */.As)(value, { ...ONE_LINE, defaultStringType: type }).replace(/\n$/, '');
/**
 * A string as one YAML scalar on one line: in `style` (the quoting its neighbours use) where that style
 * can hold it as written, otherwise double-quoted with every unsafe character escaped. `flow`: the
 * scalar stands inside `[...]`. Reads back as exactly `value` wherever a scalar can stand.
 */
function yamlScalar(value, style, flow = false) {
    let text;
    if (scalar_UNSAFE.test(value) || style === 'QUOTE_DOUBLE')
        text = doubleQuoted(value);
    else if (style === 'QUOTE_SINGLE')
        text = written(value, 'QUOTE_SINGLE');
    else {
        text = written(value, 'PLAIN');
        if (flow && text === value && !FLOW_PLAIN.test(value))
            text = doubleQuoted(value);
    }
    // The stringifier falls back to another style when the asked one cannot hold the value: whatever
    // it chose must still be one line of safe characters.
    if (/[\n\r]/.test(text) || scalar_UNSAFE.test(text))
        text = doubleQuoted(value);
    return text;
}
function doubleQuoted(value) {
    // Inside double quotes any character may be written as \uXXXX; those yaml left raw are.
    return written(value, 'QUOTE_DOUBLE').replace(UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** Longest value a comment line shows: comments only describe, and a line has a length limit. */
const COMMENT_VALUE_CHARS = 200;
/**
 * A value for a comment line (`# read-only: formats csv`): the scalar yamlScalar writes, so nothing in
 * it can end the comment, cut to COMMENT_VALUE_CHARS.
 */
function commentValue(value) {
    const text = yamlScalar(value, undefined, true);
    return text.length > COMMENT_VALUE_CHARS ? `${text.slice(0, COMMENT_VALUE_CHARS)}\u2026` : text;
}
/** `false` for `true`, `False` for `True`, `FALSE` for `TRUE`. */
function sameCase(value, old) {
    if (/^[A-Z]+$/.test(old))
        return value.toUpperCase();
    if (/^[A-Z]/.test(old))
        return value[0].toUpperCase() + value.slice(1);
    return value;
}

;// CONCATENATED MODULE: ./src/config/entry-text.ts




/** Recipients a reports.yaml may manage: the API takes them only when result_action is send. */
function writable(r) {
    return r.result_action === 'send' ? r.recipients : undefined;
}
function readOnly(r) {
    const formats = r.parameters.formats.map(commentValue).join(', ');
    const parts = [
        `schedule ${commentValue(r.schedule.type)}`,
        `result action ${commentValue(r.result_action)}${r.result_action === 'send' ? '' : ' (recipients not managed)'}`,
        `formats ${formats || 'none'}`,
    ];
    return `read-only: ${parts.join(' \u00b7 ')}`;
}
/**
 * One scheduled report as a reports.yaml entry holding its live values (recipients by login where
 * `logins` names one), so a plan of it shows no changes. Every value is written by yamlScalar. A report
 * with more recipients than a list may hold cannot be written: it is returned as Unwritable.
 */
function entryText(r, logins) {
    const id = r.id.toLowerCase();
    const recipients = writable(r);
    if (recipients && recipients.length > MAX_ITEMS) {
        const reason = `${count(recipients.length)} recipients; a list in reports.yaml holds at most ${count(MAX_ITEMS)}`;
        return { id, reason };
    }
    const values = { id };
    const lines = [`# ${readOnly(r)}`, `- id: ${yamlScalar(r.id)}`];
    // A value newer than this version's schema would make the file invalid: leave it unmanaged.
    for (const [key, known] of [
        ['kind', REPORT_KINDS],
        ['level', REPORT_LEVELS],
    ]) {
        const value = r.parameters[key];
        if (documented(known, value)) {
            lines.push(`  ${key}: ${yamlScalar(value)}`);
            Object.assign(values, { [key]: value });
        }
        else
            lines.push(`  # not supported by this version, so not managed: ${key}: ${commentValue(value)}`);
    }
    if (recipients) {
        values.recipients = recipients.map((u) => logins?.get(u.toLowerCase()) ?? u);
        if (!recipients.length)
            lines.push('  recipients: []');
        else
            lines.push('  recipients:', ...values.recipients.map((v) => `    - ${yamlScalar(v)}`));
    }
    values.enabled = r.schedule.enabled;
    lines.push(`  enabled: ${r.schedule.enabled}`);
    // Absent from the live report means absent here: declaring a value would plan a change.
    for (const key of ['hide_zero_usage', 'show_skus']) {
        const value = r.parameters[key];
        if (value === undefined)
            continue;
        values[key] = value;
        lines.push(`  ${key}: ${value}`);
    }
    return { values, lines };
}

;// CONCATENATED MODULE: ./src/config/indentation.ts


const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]}:,][^#]*?)[ \t]*:(?:[ \t]|$)/;
const BLOCK_SCALAR = /^[|>][-+0-9]*[ \t]*(#.*)?$/;
const shown = (name) => `\`${clip(name, 40)}\``;
/** Reads a line's block structure; undefined for what this reading does not know (it then stays silent). */
function readLine(text, from, to, indent) {
    const entries = [];
    let at = from + indent;
    for (;;) {
        const c = text[at];
        if (c === '-' && (at + 1 === to || text[at + 1] === ' ')) {
            entries.push({ column: at - from, name: '-', item: true });
            at++;
            while (text[at] === ' ')
                at++;
            if (at === to || text[at] === '#')
                return { entries, opens: true, blockScalar: false };
            continue;
        }
        if (c === '?' || c === '%' || (c === ':' && text[at + 1] === ' '))
            return undefined;
        break;
    }
    const rest = text.slice(at, to).replace(/\r$/, '');
    const key = KEY.exec(rest);
    if (!key) {
        if (!entries.length)
            return 'continuation';
        entries[entries.length - 1].name = rest.replace(/[ \t]+#.*$/, '').trim() || '-';
        return { entries, opens: false, blockScalar: BLOCK_SCALAR.test(rest) };
    }
    entries.push({ column: at - from, name: key[1], item: false });
    const value = rest.slice(key[0].length).trim();
    const blockScalar = BLOCK_SCALAR.test(value);
    return { entries, opens: value === '' || value.startsWith('#') || blockScalar, blockScalar };
}
/**
 * The first line whose indentation cannot be right: a key deeper than the key above it when that key
 * already has its value, or a key that lines up with nothing above it. yaml notices both, in its own
 * words and often at the line before ("Nested mappings are not allowed in compact mappings"); this
 * names the line and the two keys. Silent (undefined) wherever it is unsure: flow collections or
 * quoted text over several lines, explicit keys, directives.
 */
function indentationProblem(lines) {
    const text = lines.text;
    let open = [];
    let previous;
    let scalarColumn = -1; // a block scalar's text: lines deeper than this column
    for (let i = 0; i < lines.count; i++) {
        const number = i + 1;
        const start = lines.start(i);
        const to = lines.end(i);
        const indent = lines.indent(i);
        const first = text[start + indent];
        if (start + indent >= to || first === '#' || first === '\r')
            continue; // blank or comment
        if (scalarColumn >= 0 && indent > scalarColumn)
            continue;
        scalarColumn = -1;
        if (first === '\t')
            return undefined; // tabs have their own message
        if (indent === 0 && /^(---|\.\.\.)(\s|$)/.test(text.slice(start, Math.min(to, start + 4)))) {
            open = [];
            previous = undefined;
            continue;
        }
        if (!closedOnItsLine(text, start, to))
            return undefined;
        const line = readLine(text, start, to, indent);
        if (line === undefined)
            return undefined;
        if (line === 'continuation')
            continue;
        const head = line.entries[0];
        const top = () => open[open.length - 1];
        let above; // the nearest entry deeper than this line: what it fails to line up with
        while (top() && top().column > indent)
            above = open.pop();
        const misplaced = (message) => ({
            offset: start + indent,
            message: `check the indentation of line ${number}: ${shown(head.name)} ${message}`,
        });
        const notLinedUp = (o) => misplaced(`does not line up with ${shown(o.name)} above it (column ${indent + 1}, not ${o.column + 1})`);
        if (top()?.column === indent && top().item && !head.item) {
            // A key where a list's items are: the list has ended, and a mapping further out must take it.
            above ??= top();
            open.pop();
            if (top()?.column !== indent)
                return notLinedUp(above);
        }
        const beside = top()?.column === indent;
        if (beside && !top().item && head.item) {
            // `key:` with its list at the key's own column; anything else here is not this reading's to judge.
            if (!previous?.opens)
                return undefined;
        }
        else if (!beside && previous && !previous.opens) {
            const last = previous.entries[previous.entries.length - 1];
            return above ? notLinedUp(above) : misplaced(`is indented deeper than ${shown(last.name)} above it`);
        }
        else if (beside)
            open.pop();
        open.push(...line.entries);
        if (line.blockScalar)
            scalarColumn = line.entries[line.entries.length - 1].column;
        previous = line;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/config/parse-document.ts


// yaml, the one parser, as reading uses it: the same options and limits for a whole document and for
// an entry read on its own (parse-entries.ts), and the way back from a path in the data to the file.
/** Far above any honest use of anchors, far below what a billion-laughs document needs. */
const MAX_ALIAS_COUNT = 1000;
// logLevel 'error': yaml's warnings go to process.emitWarning, and quote the file (a key that is a collection).
const parse_document_OPTIONS = { uniqueKeys: true, prettyErrors: false, logLevel: 'error' };
/**
 * An entry read on its own gets the schema a whole document gets (YAML 1.2, core), made once rather
 * than once per entry. Only there: an entry has no directive that could ask for another version.
 */
const ENTRY_OPTIONS = { ...parse_document_OPTIONS, schema: new dist/* Document */.yo(undefined, parse_document_OPTIONS).schema };
function marksOf(entry, base) {
    if (!(0,dist/* isMap */.jh)(entry))
        return {};
    const id = entry.get('id', true);
    const list = entry.get('recipients', true);
    return {
        start: entry.range ? base + entry.range[0] : undefined,
        id: (0,dist/* isNode */.Ll)(id) && id.range ? base + id.range[0] : undefined,
        recipients: (0,dist/* isSeq */.oP)(list)
            ? list.items.map((n) => base + ((0,dist/* isNode */.Ll)(n) && n.range ? n.range[0] : 0))
            : undefined,
    };
}
/**
 * yaml's parseDocument in its two steps, with the syntax tree checked between them: composing recurses
 * once per level of nesting, so a document nested too deep is refused before it could overflow the stack.
 */
function parse(text, depth = 0, options = parse_document_OPTIONS) {
    const tokens = Array.from(new dist/* Parser */.iX().parse(text));
    const shape = inspect(tokens, depth);
    if (shape.limit)
        return shape;
    let doc;
    for (const next of new dist/* Composer */.Dk(options).compose(tokens, true, text.length)) {
        if (!doc)
            doc = next;
        else {
            const [from, to] = next.range;
            doc.errors.push(new dist/* YAMLParseError */.XT([from, to], 'MULTIPLE_DOCS', 'a second YAML document starts here (after `---` or `...`); reports.yaml holds one'));
            break;
        }
    }
    return { doc, references: shape.references };
}
function toData(doc) {
    try {
        return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    }
    catch (e) {
        return { data: undefined, aliasError: e.message };
    }
}
function syntaxOf(doc, base) {
    return doc.errors.map((e) => ({
        offset: base + e.pos[0],
        message: e.message.split('\n')[0],
        code: e.code,
    }));
}
function find(doc, path, key) {
    return findIn(doc?.contents, path, key);
}
function findIn(root, path, key) {
    const node = path.length && ((0,dist/* isMap */.jh)(root) || (0,dist/* isSeq */.oP)(root)) ? root.getIn(path, true) : root;
    if (key !== undefined && (0,dist/* isMap */.jh)(node)) {
        const pair = node.items.find((p) => (0,dist/* isPair */.tO)(p) && (0,dist/* isScalar */.jn)(p.key) && String(p.key.value) === key);
        if (pair && (0,dist/* isNode */.Ll)(pair.key))
            return pair.key;
    }
    return (0,dist/* isNode */.Ll)(node) ? node : undefined;
}
/** The file read as one document: every path the data has can be located in it. */
function whole(text) {
    const { doc, limit } = parse(text);
    const { data, aliasError } = doc && !doc.errors.length ? toData(doc) : { data: undefined };
    const list = doc?.get('reports', true);
    const marks = (i) => ((0,dist/* isSeq */.oP)(list) ? marksOf(list.items[i], 0) : {});
    return {
        data,
        aliasError,
        limit,
        syntax: doc ? syntaxOf(doc, 0) : [],
        locate: (path, key) => ({ node: find(doc, path, key), base: 0 }),
        mark: marks,
        idOffset: (i) => marks(i).id ?? marks(i).start ?? 0,
    };
}
/** A part read on its own means what it means in the whole: no reference to another part, no error. */
function plain(p) {
    return !!p.doc && !p.limit && !p.references && !p.doc.errors.length;
}

;// CONCATENATED MODULE: ./src/config/parse-entries.ts




/*
 * The entry-at-a-time parse, kept for memory: yaml holds a whole document's syntax tree and nodes at
 * once, one entry's only while it is read. Validating 10,000 reports (3.6 MB) peaks at 320 MB and
 * 1.9 s of CPU parsed whole, at 124 MB and 1.15 s an entry at a time; the benchmark's target is under
 * 150 MB at 10,000 reports. It is the same parser with the same options on the same text: a large file of
 * plain block YAML (no anchors, tags or directives, the list last) is cut where its entries start,
 * and each entry is read as the list item it is in the whole document, so it means what it means
 * there. Anything that could make a part depend on another (an anchor, an alias, a tag, an error)
 * sends the file to the whole-document parse instead, and every bound is counted as that parse counts
 * it, with the same words (test/unit/source.test.ts holds the two to the same data and errors).
 */
const TOP_LEVEL_REPORTS = /^reports:[ \t]*(#.*)?$/;
// Anchors, aliases, tags, directives, document markers, tabs: whatever could make an entry mean
// something other than its own text says. A cheap first look (the syntax tree of each part is the
// proof); conservative: a false alarm only costs the whole-file path.
const NOT_PLAIN = /(^|[\s[{,:?])[&*!][^\s]|^%|^---|^\.\.\.|\t/m;
const MIN_ENTRIES_FOR_SPLIT = 200;
const parse_entries_SPACE = 32;
const parse_entries_HASH = 35;
const DASH = 45;
/** `- ` (or a lone `-`) at text[at]: a list item. */
function isItem(text, at, to) {
    return text.charCodeAt(at) === DASH && (at + 1 === to || text.charCodeAt(at + 1) === parse_entries_SPACE);
}
function isReportsKey(text, from, to) {
    return text.startsWith('reports:', from) && TOP_LEVEL_REPORTS.test(text.slice(from, to));
}
/**
 * The file offsets where the entries of the top-level `reports:` block begin, when the file has the
 * plain shape `export` writes: the block runs to the end of the file, each entry starts with `- ` on the
 * block's indentation, nothing else sits there, and every quote and bracket closes on its line.
 * Otherwise undefined.
 */
function entryOffsets(lines) {
    const text = lines.text;
    let inBlock = false;
    let indent = -1;
    const entries = [];
    for (let i = 0; i < lines.count; i++) {
        const from = lines.start(i);
        const to = lines.end(i);
        if (!closedOnItsLine(text, from, to))
            return undefined;
        if (!inBlock)
            inBlock = isReportsKey(text, from, to);
        else {
            if (isReportsKey(text, from, to))
                return undefined;
            const col = lines.indent(i);
            const at = from + col;
            if (at < to && text.charCodeAt(at) !== parse_entries_HASH) {
                const item = isItem(text, at, to);
                if (indent < 0) {
                    if (!item)
                        return undefined;
                    indent = col;
                }
                if (col < indent || (col === indent && !item))
                    return undefined;
                if (col === indent)
                    entries.push(from);
            }
        }
    }
    return inBlock ? entries : undefined;
}
/**
 * Where each entry of `reports` starts, when the file has the plain shape whose entries can be read
 * one at a time (entryOffsets, and none of what NOT_PLAIN looks for); otherwise undefined.
 */
function plainEntryOffsets(text, lines) {
    // __proto__ keys are for the whole-document parse to report as unknown keys, with their place.
    if (NOT_PLAIN.test(text) || text.includes('__proto__'))
        return undefined;
    return entryOffsets(lines ?? new Lines(text));
}
/**
 * The node of the one entry of the reports list that text[from, to) holds, read on its own as byEntry
 * reads it (offsets in the node are relative to `from`).
 */
function entryNode(text, from, to) {
    const seq = parse(text.slice(from, to), 1, ENTRY_OPTIONS).doc?.contents;
    return (0,dist/* isSeq */.oP)(seq) && (0,dist/* isNode */.Ll)(seq.items[0]) ? seq.items[0] : undefined;
}
/** The file read an entry at a time, when it is large and plain enough (see above); otherwise undefined. */
function byEntry(text, lines) {
    const entries = plainEntryOffsets(text, lines);
    if (!entries || entries.length < MIN_ENTRIES_FOR_SPLIT)
        return undefined;
    // Counted here as the whole-document parse counts the list (at its first `-`), before any entry is read.
    let dash = entries[0];
    while (text.charCodeAt(dash) === parse_entries_SPACE)
        dash++;
    const limit = listLimit(dash, entries.length, 1);
    if (limit)
        return {
            data: undefined,
            syntax: [],
            limit,
            locate: () => ({ base: 0 }),
            mark: () => ({}),
            idOffset: () => 0,
        };
    const head = parse(text.slice(0, entries[0]));
    if (!plain(head))
        return undefined;
    const data = head.doc.toJS();
    if (data?.reports !== null)
        return undefined;
    const reports = readEntries(text, entries);
    if (!reports)
        return undefined;
    data.reports = reports;
    const spanOf = (i) => i >= 0 && i < entries.length ? { from: entries[i], to: entries[i + 1] ?? text.length } : undefined;
    // Positions come from the same parse of one entry, repeated only when asked: for an error, or a
    // report that fails.
    const entry = (i) => {
        const span = spanOf(i);
        return span && { node: entryNode(text, span.from, span.to), base: span.from };
    };
    return {
        data,
        syntax: [],
        mark(i) {
            const e = entry(i);
            return marksOf(e?.node, e?.base ?? 0);
        },
        idOffset(i) {
            // `- id: \u2026` or `id: \u2026` at the entry's key column: found in the text, so no entry is parsed twice.
            const span = spanOf(i);
            const first = /^( *- +)id: */.exec(text.slice(span.from, Math.min(span.to, span.from + 200)));
            if (first)
                return span.from + first[0].length;
            const keyCol = /^ *- +/.exec(text.slice(span.from, span.from + 200))?.[0].length ?? 0;
            const rest = new RegExp(`^ {${keyCol}}id: *`, 'm').exec(text.slice(span.from, span.to));
            return rest ? span.from + rest.index + rest[0].length : (this.mark(i).id ?? span.from);
        },
        locate(path, key) {
            if (path[0] !== 'reports' || path.length < 2)
                return { node: find(head.doc, path, key), base: 0 };
            const e = entry(path[1]);
            if (!e?.node)
                return { base: 0 };
            const inner = path.slice(2);
            const node = !inner.length && key === undefined ? e.node : findIn(e.node, inner, key);
            return { node, base: e.base };
        },
    };
}
/** Each entry read on its own, as byEntry reads it; undefined as soon as one cannot be. */
function readEntries(text, entries) {
    const all = [];
    for (let i = 0; i < entries.length; i++) {
        // Inside the list, an entry sits at depth 1 of the whole document.
        const entry = parse(text.slice(entries[i], entries[i + 1] ?? text.length), 1, ENTRY_OPTIONS);
        const list = entry.doc?.contents;
        if (!plain(entry) || !(0,dist/* isSeq */.oP)(list) || list.items.length !== 1)
            return undefined;
        all.push(entry.doc.toJS()[0]);
    }
    return all;
}

;// CONCATENATED MODULE: ./src/config/parse.ts






/**
 * The text of reports.yaml as YAML data, each value locatable in the file: its lines bounded first
 * (limits.ts), then read by yaml, the one parser (large plain files an entry at a time,
 * parse-entries.ts). Throws ConfigErrors for a bound exceeded, a syntax error or an alias bomb.
 */
function parseYaml(text, file) {
    const { lines, limit } = scanLines(text);
    const at = locator(lines, file);
    if (limit)
        throw new errors_ConfigErrors([new ConfigError('yaml-limit', limit.message, at(limit.offset))]);
    const source = byEntry(text, lines) ?? whole(text);
    if (source.limit) {
        throw new errors_ConfigErrors([new ConfigError('yaml-limit', source.limit.message, at(source.limit.offset))]);
    }
    if (source.syntax.length)
        throw new errors_ConfigErrors(syntaxErrors(lines, source.syntax, at));
    if (source.aliasError) {
        throw new errors_ConfigErrors([
            new ConfigError('alias-limit', `YAML aliases: ${clip(source.aliasError)}`, at(0)),
        ]);
    }
    return { source, at };
}
function locator(lines, file) {
    return (offset, end) => {
        const p = lines.position(offset);
        const start = { file, line: p.line, column: p.col };
        if (end === undefined)
            return start;
        const q = lines.position(end);
        return { ...start, endLine: q.line, endColumn: q.col };
    };
}
/**
 * yaml's syntax errors, except where one mistake made many of them: a tab used to indent is one
 * error at the tab (yaml adds one for each line after it that no longer lines up), and a key indented
 * wrongly is one error at its line, in plain words (yaml's is often at the line before, in its terms).
 */
function syntaxErrors(lines, syntax, at) {
    const tabs = syntax.filter((e) => e.code === 'TAB_AS_INDENT');
    if (tabs.length) {
        const { line } = at(tabs[0].offset);
        const more = tabs.length - 1;
        const message = `line ${line} is indented with a tab; YAML indents with spaces only` +
            (more ? ` (so ${noun(more, 'is', 'are')} ${plural_plural(more, 'more line')} below)` : '');
        return [new ConfigError('tab', message, at(tabs[0].offset))];
    }
    const indentation = indentationProblem(lines);
    if (indentation) {
        const where = at(indentation.offset);
        // Only when yaml's first complaint is about that place: otherwise the mistake is another one.
        const first = Math.min(...syntax.map((e) => at(e.offset).line));
        if (first >= where.line - 1)
            return [new ConfigError('indentation', indentation.message, where)];
    }
    return syntax.map((e) => new ConfigError('yaml-syntax', `YAML syntax: ${clip(e.message)}`, at(e.offset)));
}

;// CONCATENATED MODULE: ./src/config/reports-validator.js
// Generated by scripts/build.mjs from schema/reports.schema.json with Ajv: do not edit.
/* eslint-disable */
// @ts-nocheck
const validate = (/* unused pure expression or super */ null && (validate10));/* harmony default export */ const reports_validator = (validate10);const schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://raw.githubusercontent.com/acronis-report-sync/acronis-report-sync/v1/schema/reports.schema.json","title":"acronis-report-sync reports.yaml","description":"The desired state of scheduled usage reports of an Acronis Cyber Protect Cloud tenant. A field left out is not managed: its live value is kept.","type":"object","additionalProperties":false,"required":["reports"],"properties":{"version":{"description":"Version of this file's format.","const":1},"tenant":{"description":"The tenant new reports belong to (an entry's own tenant overrides it), and whose undeclared reports a plan counts. Default: the API client's tenant.","$ref":"#/definitions/uuid"},"reports":{"description":"The reports this file manages. An entry without id is a report to create; `state: absent` deletes one. Reports of the tenant that are not listed are never read or written.","type":"array","items":{"$ref":"#/definitions/report"}}},"definitions":{"uuid":{"type":"string","pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},"recipient":{"description":"A user UUID, a login, or an email address. Logins and emails are resolved to user UUIDs through the API.","type":"string","anyOf":[{"$ref":"#/definitions/uuid"},{"pattern":"^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\s,]+$"}]},"report":{"type":"object","additionalProperties":false,"properties":{"id":{"description":"The report's UUID. Without it, the entry is a report to create (kind, level and result_action required).","$ref":"#/definitions/uuid"},"name":{"description":"A label for summaries and comments.","type":"string","minLength":1},"state":{"description":"absent deletes the report (an entry with id); default present.","enum":["present","absent"]},"tenant":{"description":"parameters.tenant_id: the tenant a new report belongs to (default: the file's tenant, then the API client's). Cannot change by an update.","$ref":"#/definitions/uuid"},"result_action":{"description":"result_action: send (email the recipients) or save. Cannot change by an update.","enum":["send","save"]},"formats":{"description":"parameters.formats of a new report (default: what the API picks). Cannot change by an update.","type":"array","minItems":1,"items":{"enum":["csv","html","json_v1","csv_v2_0","json_v2_0"]}},"kind":{"description":"parameters.kind","enum":["usage_daily","usage_summary","usage_current","usage_breakdown"]},"level":{"description":"parameters.level","enum":["itself","direct_partners","all_partners","all_customers","accounts"]},"recipients":{"description":"Users who receive the report (only for reports whose result action is send). Compared as a set: order and duplicates are ignored.","type":"array","items":{"$ref":"#/definitions/recipient"}},"enabled":{"description":"schedule.enabled","type":"boolean"},"hide_zero_usage":{"description":"parameters.hide_zero_usage","type":"boolean"},"show_skus":{"description":"parameters.show_skus","type":"boolean"}},"if":{"properties":{"id":{}},"required":["id"]},"else":{"description":"An entry without id is a report to create: it needs kind, level and result_action.","properties":{"kind":{},"level":{},"result_action":{}},"required":["kind","level","result_action"]}}}};const schema12 = {"type":"string","pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"};const pattern0 = new RegExp("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "u");const schema13 = {"type":"object","additionalProperties":false,"properties":{"id":{"description":"The report's UUID. Without it, the entry is a report to create (kind, level and result_action required).","$ref":"#/definitions/uuid"},"name":{"description":"A label for summaries and comments.","type":"string","minLength":1},"state":{"description":"absent deletes the report (an entry with id); default present.","enum":["present","absent"]},"tenant":{"description":"parameters.tenant_id: the tenant a new report belongs to (default: the file's tenant, then the API client's). Cannot change by an update.","$ref":"#/definitions/uuid"},"result_action":{"description":"result_action: send (email the recipients) or save. Cannot change by an update.","enum":["send","save"]},"formats":{"description":"parameters.formats of a new report (default: what the API picks). Cannot change by an update.","type":"array","minItems":1,"items":{"enum":["csv","html","json_v1","csv_v2_0","json_v2_0"]}},"kind":{"description":"parameters.kind","enum":["usage_daily","usage_summary","usage_current","usage_breakdown"]},"level":{"description":"parameters.level","enum":["itself","direct_partners","all_partners","all_customers","accounts"]},"recipients":{"description":"Users who receive the report (only for reports whose result action is send). Compared as a set: order and duplicates are ignored.","type":"array","items":{"$ref":"#/definitions/recipient"}},"enabled":{"description":"schedule.enabled","type":"boolean"},"hide_zero_usage":{"description":"parameters.hide_zero_usage","type":"boolean"},"show_skus":{"description":"parameters.show_skus","type":"boolean"}},"if":{"properties":{"id":{}},"required":["id"]},"else":{"description":"An entry without id is a report to create: it needs kind, level and result_action.","properties":{"kind":{},"level":{},"result_action":{}},"required":["kind","level","result_action"]}};const func2 = Object.prototype.hasOwnProperty;const schema16 = {"description":"A user UUID, a login, or an email address. Logins and emails are resolved to user UUIDs through the API.","type":"string","anyOf":[{"$ref":"#/definitions/uuid"},{"pattern":"^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\s,]+$"}]};const pattern4 = new RegExp("^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\s,]+$", "u");function validate12(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(typeof data !== "string"){const err0 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema16.type,parentSchema:schema16,data};if(vErrors === null){vErrors = [err0];}else {vErrors.push(err0);}errors++;}const _errs1 = errors;let valid0 = false;const _errs2 = errors;if(typeof data === "string"){if(!pattern0.test(data)){const err1 = {instancePath,schemaPath:"#/definitions/uuid/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},message:"must match pattern \""+"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"+"\"",schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema12,data};if(vErrors === null){vErrors = [err1];}else {vErrors.push(err1);}errors++;}}else {const err2 = {instancePath,schemaPath:"#/definitions/uuid/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.type,parentSchema:schema12,data};if(vErrors === null){vErrors = [err2];}else {vErrors.push(err2);}errors++;}var _valid0 = _errs2 === errors;valid0 = valid0 || _valid0;if(!valid0){const _errs5 = errors;if(typeof data === "string"){if(!pattern4.test(data)){const err3 = {instancePath,schemaPath:"#/anyOf/1/pattern",keyword:"pattern",params:{pattern: "^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\s,]+$"},message:"must match pattern \""+"^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\s,]+$"+"\"",schema:"^(?![0-9a-fA-F]*-[0-9a-fA-F-]*$)[^\\s,]+$",parentSchema:schema16.anyOf[1],data};if(vErrors === null){vErrors = [err3];}else {vErrors.push(err3);}errors++;}}var _valid0 = _errs5 === errors;valid0 = valid0 || _valid0;}if(!valid0){const err4 = {instancePath,schemaPath:"#/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf",schema:schema16.anyOf,parentSchema:schema16,data};if(vErrors === null){vErrors = [err4];}else {vErrors.push(err4);}errors++;}else {errors = _errs1;if(vErrors !== null){if(_errs1){vErrors.length = _errs1;}else {vErrors = null;}}}validate12.errors = vErrors;return errors === 0;}function validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;const _errs1 = errors;let valid0 = true;const _errs2 = errors;if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if((data.id === undefined) && (missing0 = "id")){const err0 = {};if(vErrors === null){vErrors = [err0];}else {vErrors.push(err0);}errors++;}}var _valid0 = _errs2 === errors;errors = _errs1;if(vErrors !== null){if(_errs1){vErrors.length = _errs1;}else {vErrors = null;}}if(!_valid0){const _errs3 = errors;if(data && typeof data == "object" && !Array.isArray(data)){if(data.kind === undefined){const err1 = {instancePath,schemaPath:"#/else/required",keyword:"required",params:{missingProperty: "kind"},message:"must have required property '"+"kind"+"'",schema:schema13.else.required,parentSchema:schema13.else,data};if(vErrors === null){vErrors = [err1];}else {vErrors.push(err1);}errors++;}if(data.level === undefined){const err2 = {instancePath,schemaPath:"#/else/required",keyword:"required",params:{missingProperty: "level"},message:"must have required property '"+"level"+"'",schema:schema13.else.required,parentSchema:schema13.else,data};if(vErrors === null){vErrors = [err2];}else {vErrors.push(err2);}errors++;}if(data.result_action === undefined){const err3 = {instancePath,schemaPath:"#/else/required",keyword:"required",params:{missingProperty: "result_action"},message:"must have required property '"+"result_action"+"'",schema:schema13.else.required,parentSchema:schema13.else,data};if(vErrors === null){vErrors = [err3];}else {vErrors.push(err3);}errors++;}}var _valid0 = _errs3 === errors;valid0 = _valid0;}if(!valid0){const err4 = {instancePath,schemaPath:"#/if",keyword:"if",params:{failingKeyword: "else"},message:"must match \"else\" schema",schema:schema13.if,parentSchema:schema13,data};if(vErrors === null){vErrors = [err4];}else {vErrors.push(err4);}errors++;}if(data && typeof data == "object" && !Array.isArray(data)){for(const key0 in data){if(!(func2.call(schema13.properties, key0))){const err5 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema13,data};if(vErrors === null){vErrors = [err5];}else {vErrors.push(err5);}errors++;}}if(data.id !== undefined){let data0 = data.id;if(typeof data0 === "string"){if(!pattern0.test(data0)){const err6 = {instancePath:instancePath+"/id",schemaPath:"#/definitions/uuid/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},message:"must match pattern \""+"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"+"\"",schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema12,data:data0};if(vErrors === null){vErrors = [err6];}else {vErrors.push(err6);}errors++;}}else {const err7 = {instancePath:instancePath+"/id",schemaPath:"#/definitions/uuid/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.type,parentSchema:schema12,data:data0};if(vErrors === null){vErrors = [err7];}else {vErrors.push(err7);}errors++;}}if(data.name !== undefined){let data1 = data.name;if(typeof data1 === "string"){if(data1.length < 1){const err8 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters",schema:1,parentSchema:schema13.properties.name,data:data1};if(vErrors === null){vErrors = [err8];}else {vErrors.push(err8);}errors++;}}else {const err9 = {instancePath:instancePath+"/name",schemaPath:"#/properties/name/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema13.properties.name.type,parentSchema:schema13.properties.name,data:data1};if(vErrors === null){vErrors = [err9];}else {vErrors.push(err9);}errors++;}}if(data.state !== undefined){let data2 = data.state;if(!((data2 === "present") || (data2 === "absent"))){const err10 = {instancePath:instancePath+"/state",schemaPath:"#/properties/state/enum",keyword:"enum",params:{allowedValues: schema13.properties.state.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.state.enum,parentSchema:schema13.properties.state,data:data2};if(vErrors === null){vErrors = [err10];}else {vErrors.push(err10);}errors++;}}if(data.tenant !== undefined){let data3 = data.tenant;if(typeof data3 === "string"){if(!pattern0.test(data3)){const err11 = {instancePath:instancePath+"/tenant",schemaPath:"#/definitions/uuid/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},message:"must match pattern \""+"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"+"\"",schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema12,data:data3};if(vErrors === null){vErrors = [err11];}else {vErrors.push(err11);}errors++;}}else {const err12 = {instancePath:instancePath+"/tenant",schemaPath:"#/definitions/uuid/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.type,parentSchema:schema12,data:data3};if(vErrors === null){vErrors = [err12];}else {vErrors.push(err12);}errors++;}}if(data.result_action !== undefined){let data4 = data.result_action;if(!((data4 === "send") || (data4 === "save"))){const err13 = {instancePath:instancePath+"/result_action",schemaPath:"#/properties/result_action/enum",keyword:"enum",params:{allowedValues: schema13.properties.result_action.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.result_action.enum,parentSchema:schema13.properties.result_action,data:data4};if(vErrors === null){vErrors = [err13];}else {vErrors.push(err13);}errors++;}}if(data.formats !== undefined){let data5 = data.formats;if(Array.isArray(data5)){if(data5.length < 1){const err14 = {instancePath:instancePath+"/formats",schemaPath:"#/properties/formats/minItems",keyword:"minItems",params:{limit: 1},message:"must NOT have fewer than 1 items",schema:1,parentSchema:schema13.properties.formats,data:data5};if(vErrors === null){vErrors = [err14];}else {vErrors.push(err14);}errors++;}const len0 = data5.length;for(let i0=0; i0<len0; i0++){let data6 = data5[i0];if(!(((((data6 === "csv") || (data6 === "html")) || (data6 === "json_v1")) || (data6 === "csv_v2_0")) || (data6 === "json_v2_0"))){const err15 = {instancePath:instancePath+"/formats/" + i0,schemaPath:"#/properties/formats/items/enum",keyword:"enum",params:{allowedValues: schema13.properties.formats.items.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.formats.items.enum,parentSchema:schema13.properties.formats.items,data:data6};if(vErrors === null){vErrors = [err15];}else {vErrors.push(err15);}errors++;}}}else {const err16 = {instancePath:instancePath+"/formats",schemaPath:"#/properties/formats/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.properties.formats.type,parentSchema:schema13.properties.formats,data:data5};if(vErrors === null){vErrors = [err16];}else {vErrors.push(err16);}errors++;}}if(data.kind !== undefined){let data7 = data.kind;if(!((((data7 === "usage_daily") || (data7 === "usage_summary")) || (data7 === "usage_current")) || (data7 === "usage_breakdown"))){const err17 = {instancePath:instancePath+"/kind",schemaPath:"#/properties/kind/enum",keyword:"enum",params:{allowedValues: schema13.properties.kind.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.kind.enum,parentSchema:schema13.properties.kind,data:data7};if(vErrors === null){vErrors = [err17];}else {vErrors.push(err17);}errors++;}}if(data.level !== undefined){let data8 = data.level;if(!(((((data8 === "itself") || (data8 === "direct_partners")) || (data8 === "all_partners")) || (data8 === "all_customers")) || (data8 === "accounts"))){const err18 = {instancePath:instancePath+"/level",schemaPath:"#/properties/level/enum",keyword:"enum",params:{allowedValues: schema13.properties.level.enum},message:"must be equal to one of the allowed values",schema:schema13.properties.level.enum,parentSchema:schema13.properties.level,data:data8};if(vErrors === null){vErrors = [err18];}else {vErrors.push(err18);}errors++;}}if(data.recipients !== undefined){let data9 = data.recipients;if(Array.isArray(data9)){const len1 = data9.length;for(let i1=0; i1<len1; i1++){if(!(validate12(data9[i1], {instancePath:instancePath+"/recipients/" + i1,parentData:data9,parentDataProperty:i1,rootData}))){vErrors = vErrors === null ? validate12.errors : vErrors.concat(validate12.errors);errors = vErrors.length;}}}else {const err19 = {instancePath:instancePath+"/recipients",schemaPath:"#/properties/recipients/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema13.properties.recipients.type,parentSchema:schema13.properties.recipients,data:data9};if(vErrors === null){vErrors = [err19];}else {vErrors.push(err19);}errors++;}}if(data.enabled !== undefined){let data11 = data.enabled;if(typeof data11 !== "boolean"){const err20 = {instancePath:instancePath+"/enabled",schemaPath:"#/properties/enabled/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema13.properties.enabled.type,parentSchema:schema13.properties.enabled,data:data11};if(vErrors === null){vErrors = [err20];}else {vErrors.push(err20);}errors++;}}if(data.hide_zero_usage !== undefined){let data12 = data.hide_zero_usage;if(typeof data12 !== "boolean"){const err21 = {instancePath:instancePath+"/hide_zero_usage",schemaPath:"#/properties/hide_zero_usage/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema13.properties.hide_zero_usage.type,parentSchema:schema13.properties.hide_zero_usage,data:data12};if(vErrors === null){vErrors = [err21];}else {vErrors.push(err21);}errors++;}}if(data.show_skus !== undefined){let data13 = data.show_skus;if(typeof data13 !== "boolean"){const err22 = {instancePath:instancePath+"/show_skus",schemaPath:"#/properties/show_skus/type",keyword:"type",params:{type: "boolean"},message:"must be boolean",schema:schema13.properties.show_skus.type,parentSchema:schema13.properties.show_skus,data:data13};if(vErrors === null){vErrors = [err22];}else {vErrors.push(err22);}errors++;}}}else {const err23 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema13.type,parentSchema:schema13,data};if(vErrors === null){vErrors = [err23];}else {vErrors.push(err23);}errors++;}validate11.errors = vErrors;return errors === 0;}function validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://raw.githubusercontent.com/acronis-report-sync/acronis-report-sync/v1/schema/reports.schema.json" */;let vErrors = null;let errors = 0;if(data && typeof data == "object" && !Array.isArray(data)){if(data.reports === undefined){const err0 = {instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: "reports"},message:"must have required property '"+"reports"+"'",schema:schema11.required,parentSchema:schema11,data};if(vErrors === null){vErrors = [err0];}else {vErrors.push(err0);}errors++;}for(const key0 in data){if(!(((key0 === "version") || (key0 === "tenant")) || (key0 === "reports"))){const err1 = {instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties",schema:false,parentSchema:schema11,data};if(vErrors === null){vErrors = [err1];}else {vErrors.push(err1);}errors++;}}if(data.version !== undefined){let data0 = data.version;if(1 !== data0){const err2 = {instancePath:instancePath+"/version",schemaPath:"#/properties/version/const",keyword:"const",params:{allowedValue: 1},message:"must be equal to constant",schema:1,parentSchema:schema11.properties.version,data:data0};if(vErrors === null){vErrors = [err2];}else {vErrors.push(err2);}errors++;}}if(data.tenant !== undefined){let data1 = data.tenant;if(typeof data1 === "string"){if(!pattern0.test(data1)){const err3 = {instancePath:instancePath+"/tenant",schemaPath:"#/definitions/uuid/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},message:"must match pattern \""+"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"+"\"",schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema12,data:data1};if(vErrors === null){vErrors = [err3];}else {vErrors.push(err3);}errors++;}}else {const err4 = {instancePath:instancePath+"/tenant",schemaPath:"#/definitions/uuid/type",keyword:"type",params:{type: "string"},message:"must be string",schema:schema12.type,parentSchema:schema12,data:data1};if(vErrors === null){vErrors = [err4];}else {vErrors.push(err4);}errors++;}}if(data.reports !== undefined){let data2 = data.reports;if(Array.isArray(data2)){const len0 = data2.length;for(let i0=0; i0<len0; i0++){if(!(validate11(data2[i0], {instancePath:instancePath+"/reports/" + i0,parentData:data2,parentDataProperty:i0,rootData}))){vErrors = vErrors === null ? validate11.errors : vErrors.concat(validate11.errors);errors = vErrors.length;}}}else {const err5 = {instancePath:instancePath+"/reports",schemaPath:"#/properties/reports/type",keyword:"type",params:{type: "array"},message:"must be array",schema:schema11.properties.reports.type,parentSchema:schema11.properties.reports,data:data2};if(vErrors === null){vErrors = [err5];}else {vErrors.push(err5);}errors++;}}}else {const err6 = {instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object",schema:schema11.type,parentSchema:schema11,data};if(vErrors === null){vErrors = [err6];}else {vErrors.push(err6);}errors++;}validate10.errors = vErrors;return errors === 0;}

;// CONCATENATED MODULE: ./src/util/json-pointer.ts
/** The segments of a JSON Pointer (RFC 6901), unescaped: `/a~1b/0` \u2192 `['a/b', '0']`; `''` (the root) \u2192 `[]`. */
function pointerSegments(pointer) {
    if (pointer === '')
        return [];
    return pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

;// CONCATENATED MODULE: ./src/config/validate-schema.ts



/**
 * The JSON Schema that editors use is the validator: one definition cannot disagree with itself.
 * Ajv compiles it to code at build time (scripts/build.mjs \u2192 reports-validator.js).
 */


const reportKeys = Object.keys(reports_schema_namespaceObject.definitions.report.properties);
const topKeys = Object.keys(reports_schema_namespaceObject.properties);
function checkSchema(data) {
    if (reports_validator(data))
        return [];
    const all = reports_validator.errors ?? [];
    // A failed anyOf also reports each branch's failure at the same place: keep only the anyOf.
    const anyOf = new Set(all.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
    return all
        .filter((e) => e.keyword === 'anyOf' || !anyOf.has(e.instancePath))
        .filter((e) => !createRule(e))
        .map(problemOf);
}
/**
 * The schema's rule for an entry without id (kind, level, result_action): for editors. The action
 * says it once per entry, in its own words (validate.ts lifecycleErrors), so these are left out here.
 */
function createRule(e) {
    return e.keyword === 'if' || (e.keyword === 'required' && e.schemaPath.includes('/else/'));
}
function pointerToPath(pointer) {
    return pointerSegments(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
/** `kind`, `recipients[2]`, or `reports` at the top: the name people see in the file. */
function fieldName(path) {
    const rel = path[0] === 'reports' && path.length > 2 ? path.slice(2) : path;
    if (!rel.length)
        return 'the file';
    return rel.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}
function show(value) {
    if (value === null || value === undefined)
        return 'nothing';
    if (typeof value === 'string')
        return excerpt(value);
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    return `${typeof value} ${String(value)}`;
}
function problemOf(e) {
    const path = pointerToPath(e.instancePath);
    const field = fieldName(path);
    const inReport = path[0] === 'reports' && path.length >= 2;
    switch (e.keyword) {
        case 'additionalProperties': {
            const key = String(e.params.additionalProperty);
            const known = inReport ? reportKeys : topKeys;
            const hint = didYouMean(key, known);
            const where = inReport ? 'a report' : 'the top level';
            return {
                code: 'unknown-key',
                path,
                key,
                message: `unknown key ${excerpt(key)} in ${where}` +
                    (hint ? `; did you mean "${hint}"?` : `; expected one of: ${known.join(', ')}`),
            };
        }
        case 'required':
            return {
                code: 'required',
                path,
                message: `missing required key "${String(e.params.missingProperty)}"`,
            };
        case 'enum': {
            const allowed = e.params.allowedValues.map(String);
            const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : undefined;
            return {
                code: 'enum',
                path,
                message: `${field}: ${show(e.data)} is not allowed; expected one of: ${allowed.join(', ')}` +
                    (hint ? `. Did you mean "${hint}"?` : ''),
            };
        }
        case 'type': {
            const expected = e.params.type === 'array' ? 'a list' : e.params.type === 'object' ? 'a mapping' : e.params.type;
            return { code: 'type', path, message: `${field}: expected ${expected}, got ${show(e.data)}` };
        }
        case 'const':
            return { code: 'version', path, message: `version: ${show(e.data)} is not supported; expected 1` };
        case 'pattern':
            return {
                code: 'uuid',
                path,
                message: `${field}: ${show(e.data)} is not a UUID (expected 8-4-4-4-12 hex digits)`,
            };
        case 'anyOf':
            return {
                code: 'recipient',
                path,
                message: /^[0-9a-f-]+$/i.test(String(e.data))
                    ? `recipient ${show(e.data)} is not a valid UUID (expected 8-4-4-4-12 hex digits)`
                    : `recipient ${show(e.data)} is not a user UUID, login or email`,
            };
        case 'minLength':
            return { code: 'type', path, message: `${field}: must not be empty` };
        default:
            return { code: 'type', path, message: `${field}: ${e.message ?? 'is invalid'}` };
    }
}

;// CONCATENATED MODULE: ./src/config/validate.ts


/** Every entry of the file, in its order: reports to keep, to delete and to create. */
function entriesOf(config) {
    return [...config.reports, ...config.deletes, ...config.creates].sort((a, b) => a.index - b.index);
}
/**
 * What the schema and the rules between keys say about reports.yaml's data, every problem at its place;
 * throws ConfigErrors listing them all, or returns the desired state.
 */
function validateConfig({ source, at }, file) {
    const place = (path, key) => {
        const { node, base } = source.locate(path, key);
        return node?.range ? at(base + node.range[0], base + node.range[1]) : at(0);
    };
    const errors = checkSchema(source.data ?? null).map((p) => new ConfigError(p.code, p.message, place(p.path, p.key), dotted(p.path, p.key)));
    errors.push(...duplicateIds(source.data, (i) => at(source.idOffset(i))));
    errors.push(...lifecycleErrors(source.data, place));
    if (errors.length)
        throw new errors_ConfigErrors(errors.sort((a, b) => a.line - b.line || a.column - b.column));
    const data = source.data;
    const tenant = data.tenant?.toLowerCase();
    const config = {
        file,
        tenant,
        reports: [],
        deletes: [],
        creates: [],
        entries: data.reports.length,
    };
    data.reports.forEach((raw, i) => {
        if (raw.id === undefined)
            return void config.creates.push(toNew(raw, i, source, at));
        const r = toDesired(raw, i, source, at);
        (r.state === 'absent' ? config.deletes : config.reports).push(r);
    });
    return config;
}
/** Two entries for one report would fight each other; found even when other entries have errors. */
function duplicateIds(data, idAt) {
    const reports = data?.reports;
    if (!Array.isArray(reports))
        return [];
    const first = new Map();
    const errors = [];
    reports.forEach((r, i) => {
        const id = r?.id;
        if (typeof id !== 'string')
            return;
        const seen = first.get(id.toLowerCase());
        if (seen === undefined)
            first.set(id.toLowerCase(), i);
        else {
            const message = `duplicate report id ${excerpt(id)} (first declared at line ${idAt(seen).line})`;
            errors.push(new ConfigError('duplicate-id', message, idAt(i), `reports[${i}].id`));
        }
    });
    return errors;
}
function toDesired(raw, i, source, at) {
    // Completed in place rather than copied: at 10,000 reports a second object per entry is megabytes
    // that live as long as the run. The schema has checked every key, so the entry is a DesiredReport.
    const r = toNew(raw, i, source, at);
    r.id = String(raw.id).toLowerCase();
    return r;
}
function dotted(path, key) {
    const all = key === undefined ? path : [...path, key];
    return all.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
/** An entry completed in place (see toDesired): position, tenant and recipients' places; no id. */
function toNew(raw, i, source, at) {
    const r = raw;
    r.index = i;
    if (r.tenant !== undefined)
        r.tenant = r.tenant.toLowerCase();
    r.at = at(source.idOffset(i));
    // Looked up only for a recipient that does not resolve: most runs never need it.
    if (Array.isArray(raw.recipients))
        r.recipientAt = (k) => at(source.mark(i).recipients?.[k] ?? source.idOffset(i));
    return r;
}
const TO_CREATE = ['kind', 'level', 'result_action'];
/**
 * What the schema cannot say about creating and deleting, each at its place: an entry without id
 * needs what a POST needs; `state: absent` needs an id; recipients belong to `send` reports; and two
 * entries without id must not declare the same report (one would create it, the other find it).
 */
function lifecycleErrors(data, place) {
    const top = data;
    if (!top || !Array.isArray(top.reports))
        return [];
    const errors = [];
    const first = new Map();
    top.reports.forEach((raw, i) => {
        if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
            return;
        const e = raw;
        const fail = (code, message, key) => errors.push(new ConfigError(code, message, place(key ? ['reports', i, key] : ['reports', i]), `reports[${i}]${key ? `.${key}` : ''}`));
        const recipients = Array.isArray(e.recipients) ? e.recipients : undefined;
        if (e.result_action === 'save' && recipients?.length)
            fail('lifecycle', 'recipients: only reports whose result_action is send have recipients (this one is save)', 'recipients');
        if (e.id !== undefined)
            return;
        if (e.state === 'absent') {
            fail('lifecycle', 'state: absent deletes a report by its id: add `id:` with the report to delete', 'state');
            return;
        }
        const missing = TO_CREATE.filter((k) => e[k] === undefined);
        if (missing.length)
            fail('required', `an entry without id is a report to create: it needs ${missing.join(', ').replace(/, (?=[^,]*$)/, ' and ')} (or add the id of an existing report)`);
        if (e.result_action === 'send' && !recipients?.length)
            fail('lifecycle', 'a report to create whose result_action is send needs recipients');
        if (missing.length)
            return;
        const key = declaredKey(e, top.tenant);
        const seen = first.get(key);
        if (seen === undefined)
            first.set(key, i);
        else
            fail('duplicate-report', `declares the same report as the entry at line ${place(['reports', seen]).line}: both would be that one report; remove one`);
    });
    return errors;
}
/** What an entry without id declares, as one comparable string: two equal ones are the same report. */
function declaredKey(e, fileTenant) {
    const lower = (v) => (typeof v === 'string' ? v.toLowerCase() : v);
    const set = (v) => (Array.isArray(v) ? [...new Set(v.map(lower))].sort() : v);
    return JSON.stringify([
        lower(e.tenant ?? fileTenant),
        e.kind,
        e.level,
        e.result_action,
        set(e.formats),
        set(e.recipients),
        e.enabled,
        e.hide_zero_usage,
        e.show_skus,
    ]);
}

;// CONCATENATED MODULE: ./src/config/load.ts



// reports.yaml \u2192 the desired state, in its three stages: read (the bytes, behind the path guards),
// parse (YAML, every value locatable in the file), validate (the schema and the rules between keys).
/** Large providers declare thousands of reports (~250 bytes each); anything near this is not a config. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/**
 * The text of reports.yaml: a regular file, inside `root` when given (the workspace; on the command
 * line, the current directory unless --config names the file), at most MAX_CONFIG_BYTES, UTF-8.
 * Throws ConfigErrors.
 */
function readConfig(file, displayName = file, root) {
    return readConfigText(file, displayName, { root, maxBytes: MAX_CONFIG_BYTES });
}
/** Reads and validates reports.yaml; throws ConfigErrors listing every problem, or returns the desired state. */
async function loadConfig(file, displayName = file, root) {
    return parseConfig(await readConfig(file, displayName, root), displayName);
}
/** Parses and validates the text of reports.yaml (pure: no I/O). */
function parseConfig(text, file) {
    return validateConfig(parseYaml(text, file), file);
}

;// CONCATENATED MODULE: ./src/config/verify.ts



const KEYS = [
    'id',
    'name',
    'state',
    'tenant',
    'kind',
    'level',
    'result_action',
    'formats',
    'recipients',
    'enabled',
    'hide_zero_usage',
    'show_skus',
];
/** An entry's values in one comparable string (a fixed key order; absent keys left out). */
function valuesOf(r) {
    return JSON.stringify(KEYS.map((k) => r[k]));
}
/**
 * Why `text`, about to be written, is not exactly `intended`, or undefined when it is: the whole text
 * is read as loading reads it, every entry is compared with the one meant, in order, and nothing else
 * may be there. What the action writes is checked this way before it replaces anything, so a value
 * that became YAML structure, or an edit that reached an entry it did not mean to, writes nothing.
 */
function unlikeIntended(text, file, intended) {
    let read;
    try {
        read = entriesOf(parseConfig(text, file));
    }
    catch (e) {
        if (!(e instanceof errors_ConfigErrors))
            throw e;
        const first = e.errors[0];
        return `it would not be valid: ${first ? `${first.toString()}` : e.message}`;
    }
    if (read.length !== intended.length)
        return `it would hold ${read.length} entries instead of ${intended.length}`;
    for (let i = 0; i < read.length; i++) {
        const got = read[i];
        const meant = intended[i];
        if (valuesOf(got) === valuesOf(meant))
            continue;
        const fields = KEYS.filter((k) => JSON.stringify(got[k]) !== JSON.stringify(meant[k]));
        return `entry ${i + 1} (${String(meant.id ?? 'without id')}) would read back with other values for ${fields.join(', ')}`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/http/limiter.ts
/** A FIFO counting semaphore: at most `limit` holders at once, waiters served in arrival order. */
class Limiter {
    limit;
    active = 0;
    waiting = [];
    constructor(limit) {
        this.limit = limit;
        if (!Number.isInteger(limit) || limit < 1)
            throw new RangeError(`limit must be a positive integer, got ${limit}`);
    }
    async run(task) {
        await this.acquire();
        try {
            return await task();
        }
        finally {
            this.release();
        }
    }
    acquire() {
        if (this.active < this.limit) {
            this.active++;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }
    release() {
        const next = this.waiting.shift();
        // Hand the slot straight to the next waiter, so `active` never dips while work is queued.
        if (next)
            next();
        else
            this.active--;
    }
}

;// CONCATENATED MODULE: ./src/http/rate.ts
/**
 * CUBIC's constants as AWS's "adaptive" retry mode uses them: the rate a client learns for an API that
 * throttles without saying its limit.
 */
const CUBIC = {
    /** On a throttle the rate drops to this share of the rate the API was accepting. */
    beta: 0.7,
    /**
     * Seconds the cubic takes to climb back to the rate of the last throttle, whatever that rate. AWS's
     * constant is absolute (0.4 requests a second per second cubed), which climbs back in 1.5 s at 5
     * requests a second: a slow API would then throttle every few seconds, one 429 in twenty requests.
     * Relative, every rate spends the same time climbing and probing: a throttle every ~25 s.
     */
    climbSeconds: 12,
    /**
     * Answers accepted over the window that make the measured rate worth the full climb. A throttle after
     * fewer (a 503 at the start of a run) says little about the API's rate: the climb is shorter in
     * proportion, half a second at least, so a run that met a passing storm is soon back to full speed.
     */
    evidence: 20,
    /**
     * While the rate climbs back after a drop, a throttle drops it again only when this share of the
     * answers of the last second were throttles (counted as if 10 more had come): a rate still above the
     * limit is throttled often, while an API that refuses a request now and then at any rate would
     * otherwise have every refusal cut the rate, down to nothing.
     */
    noise: 0.05,
    /**
     * The cubic levels off at this share of the rate measured at the throttle: what the API accepted
     * just before includes what its bucket had saved up, a little more than it allows for long.
     */
    level: 0.95,
    /** Never slower than this, requests a second. */
    minRate: 0.5,
    /** Never faster than this many times the rate actually sent: growth follows what was tried. */
    maxGrowth: 2,
    /** The rate sent is counted over this window. */
    windowMs: 1000,
    /**
     * The rate the API accepted is counted over this longer one: over one second it is the limit plus
     * whatever its bucket still held, noise that would set the rate above the limit after a drop.
     */
    acceptedWindowMs: 5000,
};
const SLICES = 10;
/** Events over about the last `windowMs`, counted in tenths, so a count costs nothing per event. */
class WindowCount {
    windowMs;
    counts = new Array(SLICES).fill(0);
    slice = 0;
    first = Infinity;
    constructor(windowMs = CUBIC.windowMs) {
        this.windowMs = windowMs;
    }
    add(now) {
        this.first = Math.min(this.first, now);
        this.advance(now);
        this.counts[this.slice % SLICES]++;
    }
    /** Events over the window ending now. */
    count(now) {
        this.advance(now);
        return this.counts.reduce((a, b) => a + b, 0);
    }
    /**
     * Events a second over the window ending now (nine whole tenths and the one under way), or over the
     * time since the first event when that is shorter, a tenth at least.
     */
    rate(now) {
        this.advance(now);
        const tenth = this.windowMs / SLICES;
        const window = (SLICES - 1) * tenth + (now - this.slice * tenth);
        const spanMs = Math.max(tenth, Math.min(window, now - this.first));
        return this.count(now) / (spanMs / 1000);
    }
    advance(now) {
        const slice = Math.floor(now / (this.windowMs / SLICES));
        if (slice <= this.slice)
            return;
        // Slices that passed without events are emptied; after a whole window, all of them.
        for (let s = Math.max(this.slice + 1, slice - SLICES + 1); s <= slice; s++)
            this.counts[s % SLICES] = 0;
        this.slice = slice;
    }
}
/**
 * How fast one API may be sent requests: free until it first throttles, then a token bucket whose rate
 * follows CUBIC (AWS's adaptive mode, our own arithmetic). On a throttle the rate drops to `beta` times
 * the rate the API accepted over the last window (what it allows, where AWS takes what was sent), once
 * per round trip: throttles of requests sent before the drop, or within one round trip after it (they
 * meet a bucket their predecessors emptied), are the same overload and change nothing.
 * On each success the rate grows along a cubic back to where the throttle was and beyond, never above
 * `maxGrowth` times the rate sent. A Retry-After is a pause: nothing starts before it ends.
 * Times are milliseconds on any monotonic clock; the caller passes `now`, so the arithmetic is testable.
 */
class AdaptiveRate {
    enabled = false;
    /** Tokens a second, and the most the bucket holds (a second's worth). */
    fillRate = 0;
    capacity = 0;
    tokens = 0;
    lastRefill = 0;
    /** Where the cubic levels off before growing on: `level` times the rate at the last throttle. */
    lastMaxRate = 0;
    /** When the rate last dropped, and how long the cubic takes to climb back from that drop. */
    lastCut = -Infinity;
    climbSeconds = CUBIC.climbSeconds;
    /** Answers, and throttles among them, to requests sent after the last drop's overload. */
    answers = new WindowCount();
    throttles = new WindowCount();
    /** Throttles of requests sent before this are the overload the last drop answered. */
    sameOverloadUntil = -Infinity;
    pausedUntil = 0;
    sent = new WindowCount();
    accepted = new WindowCount(CUBIC.acceptedWindowMs);
    /** Whether a throttle has switched the bucket on. */
    get limiting() {
        return this.enabled;
    }
    /** The current rate in requests a second; Infinity while nothing has been throttled. */
    get rate() {
        return this.enabled ? this.fillRate : Infinity;
    }
    /** When the pause a Retry-After asked for ends (0: none yet). */
    get pauseEnds() {
        return this.pausedUntil;
    }
    /** 0 when a request may start now (its token is taken), else the milliseconds to wait first. */
    take(now) {
        if (now < this.pausedUntil)
            return this.pausedUntil - now;
        if (!this.enabled)
            return 0;
        this.refill(now);
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return 0;
        }
        return Math.ceil(((1 - this.tokens) / this.fillRate) * 1000);
    }
    /** A request went out. */
    sending(now) {
        this.sent.add(now);
    }
    /** A request sent at `sentAt` was answered; `pauseMs` is the Retry-After of a throttle, if any. */
    answered(sentAt, now, throttled, pauseMs) {
        const current = sentAt >= this.sameOverloadUntil;
        if (current)
            this.answers.add(now);
        if (!throttled) {
            this.accepted.add(now);
            if (this.enabled)
                this.setRate(now, this.cubic(now));
            return;
        }
        if (pauseMs !== undefined)
            this.pausedUntil = Math.max(this.pausedUntil, now + pauseMs);
        if (!current)
            return;
        this.throttles.add(now);
        const climbing = this.enabled && now - this.lastCut < this.climbSeconds * 1000;
        if (climbing && this.throttles.count(now) / (this.answers.count(now) + 10) < CUBIC.noise)
            return;
        const measured = this.accepted.rate(now);
        const evidence = Math.min(1, this.accepted.count(now) / CUBIC.evidence);
        this.climbSeconds = Math.max(0.5, CUBIC.climbSeconds * evidence);
        const base = Math.max(CUBIC.minRate, this.enabled ? Math.min(measured, this.fillRate) : measured);
        if (!this.enabled) {
            // One token to start: the throttled request's own retry goes at the new rate's first beat.
            this.enabled = true;
            this.tokens = 1;
            this.lastRefill = now;
        }
        this.lastMaxRate = base * CUBIC.level;
        this.lastCut = now;
        // Requests sent within a round trip of the drop meet a bucket that those before it emptied.
        this.sameOverloadUntil = now + (now - sentAt);
        this.setRate(now, base * CUBIC.beta);
    }
    /**
     * CUBIC's curve: from `beta` of the last throttle's rate it climbs fast, flattens as it nears that
     * rate (reached after `climbSeconds`, less with little evidence), then grows on, slowly at first, probing for more.
     */
    cubic(now) {
        const t = (now - this.lastCut) / 1000 - this.climbSeconds;
        return this.lastMaxRate * (1 + ((1 - CUBIC.beta) * t ** 3) / this.climbSeconds ** 3);
    }
    setRate(now, wanted) {
        this.refill(now);
        // A pause in the last window sent nothing on purpose: the rate sent then says nothing about the API.
        const measuredSend = now - this.pausedUntil >= CUBIC.windowMs;
        const rate = measuredSend ? Math.min(wanted, CUBIC.maxGrowth * this.sent.rate(now)) : wanted;
        this.fillRate = Math.max(rate, CUBIC.minRate);
        this.capacity = Math.max(rate, 1);
        this.tokens = Math.min(this.tokens, this.capacity);
    }
    refill(now) {
        if (now > this.lastRefill) {
            this.tokens = Math.min(this.capacity, this.tokens + ((now - this.lastRefill) / 1000) * this.fillRate);
            this.lastRefill = now;
        }
    }
}

;// CONCATENATED MODULE: ./src/http/transport.ts




/** A failure below HTTP (reset, refused, DNS): `code` is the system's (ECONNRESET), `cause` the original error. */
class NetworkError extends errors_TransportError {
    code;
    constructor(code, message, options) {
        super(message, options);
        this.code = code;
        this.name = 'NetworkError';
    }
}
/** No complete response within the per-request deadline: the server may still have acted on it. */
class TimeoutError extends errors_TransportError {
    timeoutMs;
    /** The system's name for a timeout, so every failure without a response reads the same way. */
    code = 'ETIMEDOUT';
    constructor(timeoutMs) {
        super(`no complete response within ${timeoutMs} ms`);
        this.timeoutMs = timeoutMs;
        this.name = 'TimeoutError';
    }
}
/**
 * The server's certificate is not trusted, or not for this host: final, as every retry meets the same
 * certificate. The message says what to do when a TLS-inspecting proxy re-signs traffic.
 */
class CertificateError extends errors_TransportError {
    code;
    host;
    constructor(code, host, message, options) {
        super(message, options);
        this.code = code;
        this.host = host;
        this.name = 'CertificateError';
    }
}
/** Node's codes for a certificate chain it cannot trust: a private CA fixes them. */
const UNTRUSTED = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_UNTRUSTED',
]);
const CERTIFICATE = new Set([
    ...UNTRUSTED,
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'ERR_TLS_CERT_ALTNAME_INVALID',
]);
/**
 * Keep-alive agents sized to the concurrency limit, so a run reuses a handful of connections; through a
 * proxy (https_proxy, http_proxy, no_proxy as @actions/http-client reads them) the agent keeps tunnels alive.
 */
function createAgents(maxSockets, connectTimeoutMs = 30_000) {
    const options = { keepAlive: true, maxSockets };
    const direct = { http: new (external_node_http_default()).Agent(options), https: new (external_node_https_default()).Agent(options) };
    const proxied = new Map();
    const routes = new Map();
    return {
        /** The route of a URL's origin, decided once per origin. */
        route(url) {
            let route = routes.get(url.origin);
            if (route)
                return route;
            const secure = url.protocol === 'https:';
            const proxy = proxyFor(url);
            if (!proxy)
                route = { agent: secure ? direct.https : direct.http };
            else {
                const key = `${url.protocol}${proxy.protocol}//${proxy.label} ${proxy.authorization ?? ''}`;
                let agent = proxied.get(key);
                if (!agent) {
                    // https: TLS tunnels through CONNECT; http: requests to the proxy itself, which keeps them alive.
                    agent = secure
                        ? new TunnelAgent(proxy, connectTimeoutMs, options)
                        : new (proxy.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default())).Agent(options);
                    proxied.set(key, agent);
                }
                route = { agent, proxy };
            }
            routes.set(url.origin, route);
            return route;
        },
        destroy() {
            direct.http.destroy();
            direct.https.destroy();
            for (const agent of proxied.values())
                agent.destroy();
        },
    };
}
const MAX_BODY_BYTES = 8 * 1024 * 1024;
function exchange(req, agents) {
    const { agent, proxy } = agents.route(req.url);
    // Plain http through a proxy is a request to the proxy for the whole URL; https goes through a tunnel.
    const toProxy = proxy && req.url.protocol === 'http:' ? proxy : undefined;
    const secure = toProxy ? toProxy.protocol === 'https:' : req.url.protocol === 'https:';
    const request = secure ? (external_node_https_default()).request : (external_node_http_default()).request;
    return new Promise((resolve, reject) => {
        // Plain options rather than the URL: node would otherwise convert the URL into options of a dozen
        // fields and copy them twice more, kilobytes per request that a 15,000-call run pays in garbage.
        const r = request(toProxy
            ? {
                hostname: toProxy.hostname,
                port: toProxy.port,
                path: req.url.href,
                method: req.method,
                headers: {
                    ...req.headers,
                    host: req.url.host,
                    ...(toProxy.authorization ? { 'proxy-authorization': toProxy.authorization } : {}),
                },
                agent,
            }
            : {
                protocol: req.url.protocol,
                hostname: unbracketed(req.url.hostname),
                port: req.url.port,
                path: req.url.pathname + req.url.search,
                method: req.method,
                headers: req.headers,
                agent,
            });
        // One deadline for the whole exchange: a server that trickles bytes must not hold a slot forever.
        const timer = setTimeout(() => r.destroy(new TimeoutError(req.timeoutMs)), req.timeoutMs);
        r.on('error', (e) => {
            clearTimeout(timer);
            reject(ours(e, 'ENETWORK', req.url));
        });
        r.on('response', (res) => {
            if (toProxy && res.statusCode === 407) {
                res.resume();
                clearTimeout(timer);
                return reject(proxyRefusal(toProxy, req.url.host, 407));
            }
            const chunks = [];
            let size = 0;
            res.on('data', (c) => {
                size += c.length;
                if (size > MAX_BODY_BYTES)
                    r.destroy(new NetworkError('EBODYTOOLARGE', `response over ${MAX_BODY_BYTES} bytes`));
                else
                    chunks.push(c);
            });
            res.on('error', (e) => {
                clearTimeout(timer);
                reject(ours(e, 'ECONNRESET', req.url));
            });
            res.on('end', () => {
                clearTimeout(timer);
                resolve({
                    status: res.statusCode ?? 0,
                    headers: res.headers,
                    body: Buffer.concat(chunks).toString('utf8'),
                });
            });
        });
        r.end(req.body);
    });
}
/** Node's error as one of ours, the original kept as the cause; ours (a timeout, a body too large) pass as they are. */
function ours(e, fallback, url) {
    if (e instanceof NetworkError || e instanceof TimeoutError || e instanceof ProxyError)
        return e;
    const code = e.code ?? fallback;
    if (CERTIFICATE.has(code)) {
        const hint = UNTRUSTED.has(code)
            ? '; if a proxy inspects TLS, set NODE_EXTRA_CA_CERTS to a PEM file with its CA certificate'
            : '';
        const message = `the certificate of ${url.host} is not accepted (${code}: ${e.message})${hint}`;
        return new CertificateError(code, url.host, message, { cause: e });
    }
    return new NetworkError(code, e.message, { cause: e });
}

;// CONCATENATED MODULE: ./src/http/retry.ts

const DEFAULT_RETRY = {
    maxAttempts: 6,
    maxElapsedMs: 120_000,
    baseDelayMs: 300,
    maxDelayMs: 20_000,
};
const RETRY_RULES = {
    // PATCH too: the only PATCH sent sets a whole comment body, which comes out the same sent twice.
    methods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH'],
    statuses: [408, 429, 500, 502, 503, 504],
    // Every retried status: the API (and GitHub) send Retry-After with 5xx answers too, not only 429 and 503.
    retryAfterStatuses: [408, 429, 500, 502, 503, 504],
    // A 429 is refused before any work; a refused connection never reached the server.
    unprocessedStatuses: [429],
    unprocessedCodes: ['ECONNREFUSED'],
    // A name the DNS says does not exist (a typo in base-url) stays so for the seconds retries take;
    // a DNS server that did not answer in time (EAI_AGAIN) is passing trouble, and is retried.
    finalCodes: ['ENOTFOUND'],
    throttleStatuses: [429],
};
/**
 * Whether a failed attempt is worth another: a transient failure, of a call that is safe to send again
 * or that the server cannot have acted on. Pure: the rules are data, the budget is the caller's.
 */
function shouldRetry(call, attempt, rules = RETRY_RULES) {
    const safe = call.idempotent ?? rules.methods.includes(call.method);
    if (attempt instanceof TimeoutError)
        return safe;
    if (attempt instanceof NetworkError) {
        if (rules.finalCodes.includes(attempt.code))
            return false;
        return safe || rules.unprocessedCodes.includes(attempt.code);
    }
    if (!rules.statuses.includes(attempt.status))
        return false;
    return safe || rules.unprocessedStatuses.includes(attempt.status);
}
/** Whether the attempt was the API refusing for its rate. */
function isThrottle(attempt, rules = RETRY_RULES) {
    return !(attempt instanceof Error) && rules.throttleStatuses.includes(attempt.status);
}
/** The wait the server asked for (Retry-After on a status that honours it), if any. */
function askedDelayMs(attempt, rules = RETRY_RULES) {
    if (attempt instanceof Error || !rules.retryAfterStatuses.includes(attempt.status))
        return undefined;
    return parseRetryAfter(attempt.headers['retry-after']);
}
/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so clients spread out. */
function backoffMs(attempt, policy, random = Math.random) {
    const d = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(d / 2 + random() * (d / 2));
}
/** Retry-After as delta-seconds or an HTTP date (RFC 9110 \u00a710.2.3); undefined when absent or unreadable. */
function parseRetryAfter(value, now = Date.now()) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v === undefined || v.trim() === '')
        return undefined;
    if (/^\s*\d+\s*$/.test(v))
        return Number(v) * 1000;
    // Every HTTP-date form starts with a day name; Date.parse alone would read "-3" or "1.5" as a year.
    if (!/^\s*[A-Za-z]{3}/.test(v))
        return undefined;
    const date = Date.parse(v);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./src/http/redirect.ts

/** A redirect that would carry credentials to another origin: refused, never followed. */
class RedirectError extends errors_TransportError {
    from;
    to;
    code = 'redirect_refused';
    constructor(from, to) {
        super(`refused a redirect from ${from} to another host (${to}): credentials are only sent to the API host`);
        this.from = from;
        this.to = to;
        this.name = 'RedirectError';
    }
}
/** Redirects followed for one call at most; past them, the last 3xx is the answer. */
const MAX_REDIRECTS = 3;
/**
 * Where the `hop`-th answer to a call first sent to `origin` sends it next: undefined when it is no
 * redirect (or one too many) to follow. A redirect to another origin throws a RedirectError, so the
 * `Authorization` header never leaves the API host.
 */
function redirectTarget(reply, url, origin, hop) {
    const location = reply.headers.location;
    if (reply.status < 300 || reply.status >= 400 || !location || hop >= MAX_REDIRECTS)
        return undefined;
    const next = new URL(location, url);
    if (next.origin !== origin)
        throw new RedirectError(origin, next.origin);
    return next;
}

;// CONCATENATED MODULE: ./src/http/client.ts






function reasonOf(outcome) {
    if (outcome instanceof TimeoutError)
        return 'timeout';
    return outcome instanceof NetworkError ? outcome.code : `HTTP ${outcome.status}`;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * The one place requests leave the process: a concurrency limit, a learned rate per API (AdaptiveRate:
 * free until the API throttles), per-attempt timeouts, keep-alive, retries of transient failures with
 * backoff and Retry-After, same-origin-only redirects, and the run's time limit.
 */
class HttpClient {
    options;
    limiter;
    agents;
    policy;
    deadline;
    /**
     * One rate per API (origin): a throttle from one slows only its own calls. Its Retry-After pauses every
     * request to that API, not only the one that got it: the run slows down as asked.
     */
    rates = new Map();
    /** Exchanges sent, first attempts and retries alike. */
    requests = 0;
    retries = 0;
    constructor(options) {
        this.options = options;
        this.limiter = new Limiter(options.concurrency);
        this.agents = createAgents(options.concurrency, options.timeoutMs);
        this.policy = { ...DEFAULT_RETRY, ...options.retry };
        this.deadline = new RunDeadline(options.runTimeoutSeconds ?? 0);
    }
    /** The learned rate of the API at `url` (requests a second; Infinity until it throttled). */
    rateOf(url) {
        return this.rateFor(url).rate;
    }
    /**
     * Sends the call, retrying transient failures; resolves with the final reply, whatever its status.
     * Throws a RunTimeoutError when the run's time limit ends it.
     */
    async send(call) {
        const started = Date.now();
        let retrying;
        for (let attempt = 1;; attempt++) {
            let outcome;
            try {
                outcome = await this.once(call, retrying);
            }
            catch (e) {
                if (!(e instanceof NetworkError || e instanceof TimeoutError))
                    throw e;
                outcome = e;
            }
            const delayMs = shouldRetry(call, outcome) ? this.delayBefore(attempt + 1, outcome, started) : undefined;
            if (delayMs === undefined) {
                if (outcome instanceof Error)
                    throw outcome;
                return outcome;
            }
            const reason = reasonOf(outcome);
            // A retry never waits past the run's time limit: the call ends now, with what it was waiting for.
            if (this.deadline.endsAfter(delayMs)) {
                const asked = askedDelayMs(outcome);
                throw this.stopped({ kind: 'retry', ...where(call), reason, askedMs: asked });
            }
            this.retries++;
            this.options.onRetry?.({ ...where(call), attempt, delayMs, reason });
            retrying = { reason };
            if (delayMs > 0)
                await sleep(delayMs);
            // A timer fires late on a busy machine: no attempt starts once the budget is spent.
            if (Date.now() - started > this.policy.maxElapsedMs) {
                if (outcome instanceof Error)
                    throw outcome;
                return outcome;
            }
        }
    }
    /**
     * The wait before attempt `next`: what the server asked, else the backoff (a throttle's retry then
     * also waits for the learned rate, as every request does); undefined past the budget.
     */
    delayBefore(next, outcome, started) {
        const delayMs = askedDelayMs(outcome) ?? backoffMs(next - 1, this.policy);
        const late = Date.now() - started + delayMs > this.policy.maxElapsedMs;
        return next > this.policy.maxAttempts || late ? undefined : delayMs;
    }
    async once(call, retrying) {
        let url = call.url;
        for (let hop = 0;; hop++) {
            const reply = await this.exchangeWhenAllowed(call, url, retrying);
            const next = redirectTarget(reply, url, call.url.origin, hop);
            if (!next)
                return reply;
            url = next;
        }
    }
    /**
     * One exchange when the API's rate allows it (outside any pause a throttle asked for), under the
     * concurrency limit, and before the run's time limit.
     */
    async exchangeWhenAllowed(call, url, retrying) {
        const rate = this.rateFor(url);
        const unstarted = () => retrying ? { kind: 'retry', ...where(call), reason: retrying.reason } : { kind: 'not-attempted' };
        for (;;) {
            // A pause is waited out without a slot, so the calls to other APIs keep theirs.
            const paused = rate.pauseEnds - Date.now();
            if (paused > 0) {
                if (this.deadline.endsAfter(paused))
                    throw this.stopped(unstarted());
                await sleep(paused);
            }
            if (this.deadline.passed())
                throw this.stopped(unstarted());
            // Headers are computed before taking a slot: a token request made inside one could deadlock the limiter.
            const headers = {
                'user-agent': this.options.userAgent ?? 'acronis-report-sync',
                ...(typeof call.headers === 'function' ? await call.headers() : call.headers),
            };
            const reply = await this.limiter.run(async () => {
                // The rate's turn is taken in the slot, so calls queued for a slot before a throttle keep its pace too.
                for (let wait = rate.take(Date.now()); wait > 0; wait = rate.take(Date.now())) {
                    // A throttle paused the API while this call waited: it gives the slot back and waits like every
                    // other call, rather than going out during the pause the server asked for.
                    if (rate.pauseEnds > Date.now())
                        return undefined;
                    // A pace that ends past the run's time limit is not waited out.
                    if (this.deadline.endsAfter(wait))
                        throw this.stopped(unstarted());
                    await sleep(wait);
                }
                const now = Date.now();
                if (this.deadline.passed(now))
                    throw this.stopped(unstarted());
                this.requests++;
                rate.sending(now);
                const timeoutMs = this.deadline.timeoutMs(this.options.timeoutMs, now);
                try {
                    const answer = await exchange({ method: call.method, url, headers, body: call.body, timeoutMs }, this.agents);
                    return this.noteThrottle(rate, now, answer);
                }
                catch (e) {
                    // Cut short by the run's time limit rather than by its own timeout: the report was stopped.
                    if (e instanceof TimeoutError && timeoutMs < this.options.timeoutMs && this.deadline.passed())
                        throw this.stopped({ kind: 'in-flight', ...where(call) });
                    throw e;
                }
            });
            if (reply)
                return reply;
        }
    }
    /**
     * Tells the API's rate how the exchange went, while the exchange still holds its slot, so no queued
     * call slips out before a pause starts. A Retry-After beyond the time budget is not a pause: that
     * request gives up, the others go on.
     */
    noteThrottle(rate, sentAt, reply) {
        const throttled = isThrottle(reply);
        const asked = throttled ? parseRetryAfter(reply.headers['retry-after']) : undefined;
        const pauseMs = asked !== undefined && asked <= this.policy.maxElapsedMs ? asked : undefined;
        rate.answered(sentAt, Date.now(), throttled, pauseMs);
        return reply;
    }
    rateFor(url) {
        let rate = this.rates.get(url.origin);
        if (!rate)
            this.rates.set(url.origin, (rate = new AdaptiveRate()));
        return rate;
    }
    stopped(stop) {
        return new deadline_RunTimeoutError(this.deadline.seconds, stop);
    }
    close() {
        this.agents.destroy();
    }
}
const where = (call) => ({ method: call.method, path: call.url.pathname });

;// CONCATENATED MODULE: ./src/acronis/answer-validators.js
// Generated by scripts/build.mjs from schema/api/*.json with Ajv: do not edit.
/* eslint-disable */
// @ts-nocheck
const answer_validators_token = validate21;const schema6 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/api/token.json","title":"POST /idp/token: 200","description":"The OAuth2 token answer. Only what the action reads is required; expires_in and expires_on, when present, must be numbers (the vendor document says integers).","type":"object","required":["access_token"],"properties":{"access_token":{"type":"string","minLength":1},"token_type":{"type":"string"},"id_token":{"type":"string"},"expires_in":{"type":"number"},"expires_on":{"type":"number"},"refresh_token":{"type":"string"}}};function validate21(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/api/token.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if((data.access_token === undefined) && (missing0 = "access_token")){validate21.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},schema:schema6.required,parentSchema:schema6,data}];return false;}else {if(data.access_token !== undefined){let data0 = data.access_token;const _errs1 = errors;if(errors === _errs1){if(typeof data0 === "string"){if(data0.length < 1){validate21.errors = [{instancePath:instancePath+"/access_token",schemaPath:"#/properties/access_token/minLength",keyword:"minLength",params:{limit: 1},schema:1,parentSchema:schema6.properties.access_token,data:data0}];return false;}}else {validate21.errors = [{instancePath:instancePath+"/access_token",schemaPath:"#/properties/access_token/type",keyword:"type",params:{type: "string"},schema:schema6.properties.access_token.type,parentSchema:schema6.properties.access_token,data:data0}];return false;}}var valid0 = _errs1 === errors;}else {var valid0 = true;}if(valid0){if(data.token_type !== undefined){let data1 = data.token_type;const _errs3 = errors;if(typeof data1 !== "string"){validate21.errors = [{instancePath:instancePath+"/token_type",schemaPath:"#/properties/token_type/type",keyword:"type",params:{type: "string"},schema:schema6.properties.token_type.type,parentSchema:schema6.properties.token_type,data:data1}];return false;}var valid0 = _errs3 === errors;}else {var valid0 = true;}if(valid0){if(data.id_token !== undefined){let data2 = data.id_token;const _errs5 = errors;if(typeof data2 !== "string"){validate21.errors = [{instancePath:instancePath+"/id_token",schemaPath:"#/properties/id_token/type",keyword:"type",params:{type: "string"},schema:schema6.properties.id_token.type,parentSchema:schema6.properties.id_token,data:data2}];return false;}var valid0 = _errs5 === errors;}else {var valid0 = true;}if(valid0){if(data.expires_in !== undefined){let data3 = data.expires_in;const _errs7 = errors;if(!((typeof data3 == "number") && (isFinite(data3)))){validate21.errors = [{instancePath:instancePath+"/expires_in",schemaPath:"#/properties/expires_in/type",keyword:"type",params:{type: "number"},schema:schema6.properties.expires_in.type,parentSchema:schema6.properties.expires_in,data:data3}];return false;}var valid0 = _errs7 === errors;}else {var valid0 = true;}if(valid0){if(data.expires_on !== undefined){let data4 = data.expires_on;const _errs9 = errors;if(!((typeof data4 == "number") && (isFinite(data4)))){validate21.errors = [{instancePath:instancePath+"/expires_on",schemaPath:"#/properties/expires_on/type",keyword:"type",params:{type: "number"},schema:schema6.properties.expires_on.type,parentSchema:schema6.properties.expires_on,data:data4}];return false;}var valid0 = _errs9 === errors;}else {var valid0 = true;}if(valid0){if(data.refresh_token !== undefined){let data5 = data.refresh_token;const _errs11 = errors;if(typeof data5 !== "string"){validate21.errors = [{instancePath:instancePath+"/refresh_token",schemaPath:"#/properties/refresh_token/type",keyword:"type",params:{type: "string"},schema:schema6.properties.refresh_token.type,parentSchema:schema6.properties.refresh_token,data:data5}];return false;}var valid0 = _errs11 === errors;}else {var valid0 = true;}}}}}}}}else {validate21.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},schema:schema6.type,parentSchema:schema6,data}];return false;}}validate21.errors = vErrors;return errors === 0;}const client = validate22;const schema7 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/api/client.json","title":"GET /clients/{client_id}: 200","description":"The API client; the action reads its tenant_id.","type":"object","required":["client_id","tenant_id"],"properties":{"client_id":{"type":"string"},"tenant_id":{"$ref":"common.json#/definitions/uuid"}}};const schema9 = {"description":"a UUID","type":"string","pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"};const answer_validators_pattern0 = new RegExp("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", "u");function validate24(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(typeof data === "string"){if(!answer_validators_pattern0.test(data)){validate24.errors = [{instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema9,data}];return false;}}else {validate24.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},schema:schema9.type,parentSchema:schema9,data}];return false;}}validate24.errors = vErrors;return errors === 0;}function validate22(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/api/client.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if(((data.client_id === undefined) && (missing0 = "client_id")) || ((data.tenant_id === undefined) && (missing0 = "tenant_id"))){validate22.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},schema:schema7.required,parentSchema:schema7,data}];return false;}else {if(data.client_id !== undefined){let data0 = data.client_id;const _errs1 = errors;if(typeof data0 !== "string"){validate22.errors = [{instancePath:instancePath+"/client_id",schemaPath:"#/properties/client_id/type",keyword:"type",params:{type: "string"},schema:schema7.properties.client_id.type,parentSchema:schema7.properties.client_id,data:data0}];return false;}var valid0 = _errs1 === errors;}else {var valid0 = true;}if(valid0){if(data.tenant_id !== undefined){const _errs3 = errors;if(!(validate24(data.tenant_id, {instancePath:instancePath+"/tenant_id",parentData:data,parentDataProperty:"tenant_id",rootData}))){vErrors = vErrors === null ? validate24.errors : vErrors.concat(validate24.errors);errors = vErrors.length;}var valid0 = _errs3 === errors;}else {var valid0 = true;}}}}else {validate22.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},schema:schema7.type,parentSchema:schema7,data}];return false;}}validate22.errors = vErrors;return errors === 0;}const report = validate26;const schema10 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/api/report.json","title":"GET and PUT /reports/{report_id}: 200","description":"A usage report, as GET and PUT answer it. Every field the action reads, compares or sends back is required and typed; hide_zero_usage, show_skus, period and generation_date may be absent (the guide's examples leave some out) but are typed when present. result_action and schedule.type must be documented values: the action decides by them whether a report can be updated. kind, level and formats need only be strings here: export and pull show a value newer than this version as one the file cannot hold, and the plan fails any report whose live kind or level is undocumented before a PUT could carry it back.","type":"object","required":["id","version","result_action","recipients","parameters","schedule"],"properties":{"id":{"$ref":"common.json#/definitions/uuid"},"version":{"type":"integer"},"result_action":{"type":"string","enum":["save","send"]},"recipients":{"type":"array","items":{"$ref":"common.json#/definitions/uuid"}},"parameters":{"type":"object","required":["tenant_id","kind","level","formats"],"properties":{"tenant_id":{"$ref":"common.json#/definitions/uuid"},"kind":{"type":"string"},"level":{"type":"string"},"formats":{"type":"array","items":{"type":"string"}},"period":{"type":"object","required":["start","end"],"properties":{"start":{"$ref":"common.json#/definitions/date"},"end":{"$ref":"common.json#/definitions/date"}}},"hide_zero_usage":{"type":"boolean"},"show_skus":{"type":"boolean"}}},"schedule":{"type":"object","required":["type","enabled"],"properties":{"type":{"type":"string","enum":["once","monthly"]},"enabled":{"type":"boolean"}}},"generation_date":{"$ref":"common.json#/definitions/date"}}};function validate27(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(typeof data === "string"){if(!answer_validators_pattern0.test(data)){validate27.errors = [{instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema9,data}];return false;}}else {validate27.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},schema:schema9.type,parentSchema:schema9,data}];return false;}}validate27.errors = vErrors;return errors === 0;}const answer_validators_schema12 = {"description":"a date (YYYY-MM-DD)","type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}$"};const pattern2 = new RegExp("^\\d{4}-\\d{2}-\\d{2}$", "u");function validate31(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(typeof data === "string"){if(!pattern2.test(data)){validate31.errors = [{instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^\\d{4}-\\d{2}-\\d{2}$"},schema:"^\\d{4}-\\d{2}-\\d{2}$",parentSchema:answer_validators_schema12,data}];return false;}}else {validate31.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},schema:answer_validators_schema12.type,parentSchema:answer_validators_schema12,data}];return false;}}validate31.errors = vErrors;return errors === 0;}function validate26(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/api/report.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if(((((((data.id === undefined) && (missing0 = "id")) || ((data.version === undefined) && (missing0 = "version"))) || ((data.result_action === undefined) && (missing0 = "result_action"))) || ((data.recipients === undefined) && (missing0 = "recipients"))) || ((data.parameters === undefined) && (missing0 = "parameters"))) || ((data.schedule === undefined) && (missing0 = "schedule"))){validate26.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},schema:schema10.required,parentSchema:schema10,data}];return false;}else {if(data.id !== undefined){const _errs1 = errors;if(!(validate27(data.id, {instancePath:instancePath+"/id",parentData:data,parentDataProperty:"id",rootData}))){vErrors = vErrors === null ? validate27.errors : vErrors.concat(validate27.errors);errors = vErrors.length;}var valid0 = _errs1 === errors;}else {var valid0 = true;}if(valid0){if(data.version !== undefined){let data1 = data.version;const _errs2 = errors;if(!(((typeof data1 == "number") && (!(data1 % 1) && !isNaN(data1))) && (isFinite(data1)))){validate26.errors = [{instancePath:instancePath+"/version",schemaPath:"#/properties/version/type",keyword:"type",params:{type: "integer"},schema:schema10.properties.version.type,parentSchema:schema10.properties.version,data:data1}];return false;}var valid0 = _errs2 === errors;}else {var valid0 = true;}if(valid0){if(data.result_action !== undefined){let data2 = data.result_action;const _errs4 = errors;if(typeof data2 !== "string"){validate26.errors = [{instancePath:instancePath+"/result_action",schemaPath:"#/properties/result_action/type",keyword:"type",params:{type: "string"},schema:schema10.properties.result_action.type,parentSchema:schema10.properties.result_action,data:data2}];return false;}if(!((data2 === "save") || (data2 === "send"))){validate26.errors = [{instancePath:instancePath+"/result_action",schemaPath:"#/properties/result_action/enum",keyword:"enum",params:{allowedValues: schema10.properties.result_action.enum},schema:schema10.properties.result_action.enum,parentSchema:schema10.properties.result_action,data:data2}];return false;}var valid0 = _errs4 === errors;}else {var valid0 = true;}if(valid0){if(data.recipients !== undefined){let data3 = data.recipients;const _errs6 = errors;if(errors === _errs6){if(Array.isArray(data3)){var valid1 = true;const len0 = data3.length;for(let i0=0; i0<len0; i0++){const _errs8 = errors;if(!(validate27(data3[i0], {instancePath:instancePath+"/recipients/" + i0,parentData:data3,parentDataProperty:i0,rootData}))){vErrors = vErrors === null ? validate27.errors : vErrors.concat(validate27.errors);errors = vErrors.length;}var valid1 = _errs8 === errors;if(!valid1){break;}}}else {validate26.errors = [{instancePath:instancePath+"/recipients",schemaPath:"#/properties/recipients/type",keyword:"type",params:{type: "array"},schema:schema10.properties.recipients.type,parentSchema:schema10.properties.recipients,data:data3}];return false;}}var valid0 = _errs6 === errors;}else {var valid0 = true;}if(valid0){if(data.parameters !== undefined){let data5 = data.parameters;const _errs9 = errors;if(errors === _errs9){if(data5 && typeof data5 == "object" && !Array.isArray(data5)){let missing1;if(((((data5.tenant_id === undefined) && (missing1 = "tenant_id")) || ((data5.kind === undefined) && (missing1 = "kind"))) || ((data5.level === undefined) && (missing1 = "level"))) || ((data5.formats === undefined) && (missing1 = "formats"))){validate26.errors = [{instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/required",keyword:"required",params:{missingProperty: missing1},schema:schema10.properties.parameters.required,parentSchema:schema10.properties.parameters,data:data5}];return false;}else {if(data5.tenant_id !== undefined){const _errs11 = errors;if(!(validate27(data5.tenant_id, {instancePath:instancePath+"/parameters/tenant_id",parentData:data5,parentDataProperty:"tenant_id",rootData}))){vErrors = vErrors === null ? validate27.errors : vErrors.concat(validate27.errors);errors = vErrors.length;}var valid2 = _errs11 === errors;}else {var valid2 = true;}if(valid2){if(data5.kind !== undefined){let data7 = data5.kind;const _errs12 = errors;if(typeof data7 !== "string"){validate26.errors = [{instancePath:instancePath+"/parameters/kind",schemaPath:"#/properties/parameters/properties/kind/type",keyword:"type",params:{type: "string"},schema:schema10.properties.parameters.properties.kind.type,parentSchema:schema10.properties.parameters.properties.kind,data:data7}];return false;}var valid2 = _errs12 === errors;}else {var valid2 = true;}if(valid2){if(data5.level !== undefined){let data8 = data5.level;const _errs14 = errors;if(typeof data8 !== "string"){validate26.errors = [{instancePath:instancePath+"/parameters/level",schemaPath:"#/properties/parameters/properties/level/type",keyword:"type",params:{type: "string"},schema:schema10.properties.parameters.properties.level.type,parentSchema:schema10.properties.parameters.properties.level,data:data8}];return false;}var valid2 = _errs14 === errors;}else {var valid2 = true;}if(valid2){if(data5.formats !== undefined){let data9 = data5.formats;const _errs16 = errors;if(errors === _errs16){if(Array.isArray(data9)){var valid3 = true;const len1 = data9.length;for(let i1=0; i1<len1; i1++){let data10 = data9[i1];const _errs18 = errors;if(typeof data10 !== "string"){validate26.errors = [{instancePath:instancePath+"/parameters/formats/" + i1,schemaPath:"#/properties/parameters/properties/formats/items/type",keyword:"type",params:{type: "string"},schema:schema10.properties.parameters.properties.formats.items.type,parentSchema:schema10.properties.parameters.properties.formats.items,data:data10}];return false;}var valid3 = _errs18 === errors;if(!valid3){break;}}}else {validate26.errors = [{instancePath:instancePath+"/parameters/formats",schemaPath:"#/properties/parameters/properties/formats/type",keyword:"type",params:{type: "array"},schema:schema10.properties.parameters.properties.formats.type,parentSchema:schema10.properties.parameters.properties.formats,data:data9}];return false;}}var valid2 = _errs16 === errors;}else {var valid2 = true;}if(valid2){if(data5.period !== undefined){let data11 = data5.period;const _errs20 = errors;if(errors === _errs20){if(data11 && typeof data11 == "object" && !Array.isArray(data11)){let missing2;if(((data11.start === undefined) && (missing2 = "start")) || ((data11.end === undefined) && (missing2 = "end"))){validate26.errors = [{instancePath:instancePath+"/parameters/period",schemaPath:"#/properties/parameters/properties/period/required",keyword:"required",params:{missingProperty: missing2},schema:schema10.properties.parameters.properties.period.required,parentSchema:schema10.properties.parameters.properties.period,data:data11}];return false;}else {if(data11.start !== undefined){const _errs22 = errors;if(!(validate31(data11.start, {instancePath:instancePath+"/parameters/period/start",parentData:data11,parentDataProperty:"start",rootData}))){vErrors = vErrors === null ? validate31.errors : vErrors.concat(validate31.errors);errors = vErrors.length;}var valid4 = _errs22 === errors;}else {var valid4 = true;}if(valid4){if(data11.end !== undefined){const _errs23 = errors;if(!(validate31(data11.end, {instancePath:instancePath+"/parameters/period/end",parentData:data11,parentDataProperty:"end",rootData}))){vErrors = vErrors === null ? validate31.errors : vErrors.concat(validate31.errors);errors = vErrors.length;}var valid4 = _errs23 === errors;}else {var valid4 = true;}}}}else {validate26.errors = [{instancePath:instancePath+"/parameters/period",schemaPath:"#/properties/parameters/properties/period/type",keyword:"type",params:{type: "object"},schema:schema10.properties.parameters.properties.period.type,parentSchema:schema10.properties.parameters.properties.period,data:data11}];return false;}}var valid2 = _errs20 === errors;}else {var valid2 = true;}if(valid2){if(data5.hide_zero_usage !== undefined){let data14 = data5.hide_zero_usage;const _errs24 = errors;if(typeof data14 !== "boolean"){validate26.errors = [{instancePath:instancePath+"/parameters/hide_zero_usage",schemaPath:"#/properties/parameters/properties/hide_zero_usage/type",keyword:"type",params:{type: "boolean"},schema:schema10.properties.parameters.properties.hide_zero_usage.type,parentSchema:schema10.properties.parameters.properties.hide_zero_usage,data:data14}];return false;}var valid2 = _errs24 === errors;}else {var valid2 = true;}if(valid2){if(data5.show_skus !== undefined){let data15 = data5.show_skus;const _errs26 = errors;if(typeof data15 !== "boolean"){validate26.errors = [{instancePath:instancePath+"/parameters/show_skus",schemaPath:"#/properties/parameters/properties/show_skus/type",keyword:"type",params:{type: "boolean"},schema:schema10.properties.parameters.properties.show_skus.type,parentSchema:schema10.properties.parameters.properties.show_skus,data:data15}];return false;}var valid2 = _errs26 === errors;}else {var valid2 = true;}}}}}}}}}else {validate26.errors = [{instancePath:instancePath+"/parameters",schemaPath:"#/properties/parameters/type",keyword:"type",params:{type: "object"},schema:schema10.properties.parameters.type,parentSchema:schema10.properties.parameters,data:data5}];return false;}}var valid0 = _errs9 === errors;}else {var valid0 = true;}if(valid0){if(data.schedule !== undefined){let data16 = data.schedule;const _errs28 = errors;if(errors === _errs28){if(data16 && typeof data16 == "object" && !Array.isArray(data16)){let missing3;if(((data16.type === undefined) && (missing3 = "type")) || ((data16.enabled === undefined) && (missing3 = "enabled"))){validate26.errors = [{instancePath:instancePath+"/schedule",schemaPath:"#/properties/schedule/required",keyword:"required",params:{missingProperty: missing3},schema:schema10.properties.schedule.required,parentSchema:schema10.properties.schedule,data:data16}];return false;}else {if(data16.type !== undefined){let data17 = data16.type;const _errs30 = errors;if(typeof data17 !== "string"){validate26.errors = [{instancePath:instancePath+"/schedule/type",schemaPath:"#/properties/schedule/properties/type/type",keyword:"type",params:{type: "string"},schema:schema10.properties.schedule.properties.type.type,parentSchema:schema10.properties.schedule.properties.type,data:data17}];return false;}if(!((data17 === "once") || (data17 === "monthly"))){validate26.errors = [{instancePath:instancePath+"/schedule/type",schemaPath:"#/properties/schedule/properties/type/enum",keyword:"enum",params:{allowedValues: schema10.properties.schedule.properties.type.enum},schema:schema10.properties.schedule.properties.type.enum,parentSchema:schema10.properties.schedule.properties.type,data:data17}];return false;}var valid5 = _errs30 === errors;}else {var valid5 = true;}if(valid5){if(data16.enabled !== undefined){let data18 = data16.enabled;const _errs32 = errors;if(typeof data18 !== "boolean"){validate26.errors = [{instancePath:instancePath+"/schedule/enabled",schemaPath:"#/properties/schedule/properties/enabled/type",keyword:"type",params:{type: "boolean"},schema:schema10.properties.schedule.properties.enabled.type,parentSchema:schema10.properties.schedule.properties.enabled,data:data18}];return false;}var valid5 = _errs32 === errors;}else {var valid5 = true;}}}}else {validate26.errors = [{instancePath:instancePath+"/schedule",schemaPath:"#/properties/schedule/type",keyword:"type",params:{type: "object"},schema:schema10.properties.schedule.type,parentSchema:schema10.properties.schedule,data:data16}];return false;}}var valid0 = _errs28 === errors;}else {var valid0 = true;}if(valid0){if(data.generation_date !== undefined){const _errs34 = errors;if(!(validate31(data.generation_date, {instancePath:instancePath+"/generation_date",parentData:data,parentDataProperty:"generation_date",rootData}))){vErrors = vErrors === null ? validate31.errors : vErrors.concat(validate31.errors);errors = vErrors.length;}var valid0 = _errs34 === errors;}else {var valid0 = true;}}}}}}}}}else {validate26.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},schema:schema10.type,parentSchema:schema10,data}];return false;}}validate26.errors = vErrors;return errors === 0;}const reportIds = validate35;const answer_validators_schema13 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/api/id-list.json","title":"GET /tenants/{tenant_id}/reports: 200","description":"The report ids of a tenant: ids only, no paging.","type":"object","required":["items"],"properties":{"items":{"type":"array","items":{"$ref":"common.json#/definitions/uuid"}}}};function validate36(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(typeof data === "string"){if(!answer_validators_pattern0.test(data)){validate36.errors = [{instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema9,data}];return false;}}else {validate36.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},schema:schema9.type,parentSchema:schema9,data}];return false;}}validate36.errors = vErrors;return errors === 0;}function validate35(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/api/id-list.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if((data.items === undefined) && (missing0 = "items")){validate35.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},schema:answer_validators_schema13.required,parentSchema:answer_validators_schema13,data}];return false;}else {if(data.items !== undefined){let data0 = data.items;const _errs1 = errors;if(errors === _errs1){if(Array.isArray(data0)){var valid1 = true;const len0 = data0.length;for(let i0=0; i0<len0; i0++){const _errs3 = errors;if(!(validate36(data0[i0], {instancePath:instancePath+"/items/" + i0,parentData:data0,parentDataProperty:i0,rootData}))){vErrors = vErrors === null ? validate36.errors : vErrors.concat(validate36.errors);errors = vErrors.length;}var valid1 = _errs3 === errors;if(!valid1){break;}}}else {validate35.errors = [{instancePath:instancePath+"/items",schemaPath:"#/properties/items/type",keyword:"type",params:{type: "array"},schema:answer_validators_schema13.properties.items.type,parentSchema:answer_validators_schema13.properties.items,data:data0}];return false;}}}}}else {validate35.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},schema:answer_validators_schema13.type,parentSchema:answer_validators_schema13,data}];return false;}}validate35.errors = vErrors;return errors === 0;}const search = validate38;const schema15 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/api/search.json","title":"GET /search: 200","description":"Users and tenants mixed; the action reads obj_type, id and login.","type":"object","required":["items"],"properties":{"items":{"type":"array","items":{"type":"object","required":["obj_type","id"],"properties":{"obj_type":{"type":"string","enum":["tenant","user"]},"id":{"$ref":"common.json#/definitions/uuid"},"login":{"type":"string"}}}}}};function validate39(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(typeof data === "string"){if(!answer_validators_pattern0.test(data)){validate39.errors = [{instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema9,data}];return false;}}else {validate39.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},schema:schema9.type,parentSchema:schema9,data}];return false;}}validate39.errors = vErrors;return errors === 0;}function validate38(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/api/search.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if((data.items === undefined) && (missing0 = "items")){validate38.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},schema:schema15.required,parentSchema:schema15,data}];return false;}else {if(data.items !== undefined){let data0 = data.items;const _errs1 = errors;if(errors === _errs1){if(Array.isArray(data0)){var valid1 = true;const len0 = data0.length;for(let i0=0; i0<len0; i0++){let data1 = data0[i0];const _errs3 = errors;if(errors === _errs3){if(data1 && typeof data1 == "object" && !Array.isArray(data1)){let missing1;if(((data1.obj_type === undefined) && (missing1 = "obj_type")) || ((data1.id === undefined) && (missing1 = "id"))){validate38.errors = [{instancePath:instancePath+"/items/" + i0,schemaPath:"#/properties/items/items/required",keyword:"required",params:{missingProperty: missing1},schema:schema15.properties.items.items.required,parentSchema:schema15.properties.items.items,data:data1}];return false;}else {if(data1.obj_type !== undefined){let data2 = data1.obj_type;const _errs5 = errors;if(typeof data2 !== "string"){validate38.errors = [{instancePath:instancePath+"/items/" + i0+"/obj_type",schemaPath:"#/properties/items/items/properties/obj_type/type",keyword:"type",params:{type: "string"},schema:schema15.properties.items.items.properties.obj_type.type,parentSchema:schema15.properties.items.items.properties.obj_type,data:data2}];return false;}if(!((data2 === "tenant") || (data2 === "user"))){validate38.errors = [{instancePath:instancePath+"/items/" + i0+"/obj_type",schemaPath:"#/properties/items/items/properties/obj_type/enum",keyword:"enum",params:{allowedValues: schema15.properties.items.items.properties.obj_type.enum},schema:schema15.properties.items.items.properties.obj_type.enum,parentSchema:schema15.properties.items.items.properties.obj_type,data:data2}];return false;}var valid2 = _errs5 === errors;}else {var valid2 = true;}if(valid2){if(data1.id !== undefined){const _errs7 = errors;if(!(validate39(data1.id, {instancePath:instancePath+"/items/" + i0+"/id",parentData:data1,parentDataProperty:"id",rootData}))){vErrors = vErrors === null ? validate39.errors : vErrors.concat(validate39.errors);errors = vErrors.length;}var valid2 = _errs7 === errors;}else {var valid2 = true;}if(valid2){if(data1.login !== undefined){let data4 = data1.login;const _errs8 = errors;if(typeof data4 !== "string"){validate38.errors = [{instancePath:instancePath+"/items/" + i0+"/login",schemaPath:"#/properties/items/items/properties/login/type",keyword:"type",params:{type: "string"},schema:schema15.properties.items.items.properties.login.type,parentSchema:schema15.properties.items.items.properties.login,data:data4}];return false;}var valid2 = _errs8 === errors;}else {var valid2 = true;}}}}}else {validate38.errors = [{instancePath:instancePath+"/items/" + i0,schemaPath:"#/properties/items/items/type",keyword:"type",params:{type: "object"},schema:schema15.properties.items.items.type,parentSchema:schema15.properties.items.items,data:data1}];return false;}}var valid1 = _errs3 === errors;if(!valid1){break;}}}else {validate38.errors = [{instancePath:instancePath+"/items",schemaPath:"#/properties/items/type",keyword:"type",params:{type: "array"},schema:schema15.properties.items.type,parentSchema:schema15.properties.items,data:data0}];return false;}}}}}else {validate38.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},schema:schema15.type,parentSchema:schema15,data}];return false;}}validate38.errors = vErrors;return errors === 0;}const users = validate41;const schema17 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/api/users.json","title":"GET /users?uuids=: 200","description":"Users by id; the action reads id, login and contact.email.","type":"object","required":["items"],"properties":{"items":{"type":"array","items":{"type":"object","required":["id","login"],"properties":{"id":{"$ref":"common.json#/definitions/uuid"},"login":{"type":"string"},"tenant_id":{"$ref":"common.json#/definitions/uuid"},"enabled":{"type":"boolean"},"contact":{"type":"object","properties":{"email":{"type":"string"}}}}}}}};function validate42(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;if(errors === 0){if(typeof data === "string"){if(!answer_validators_pattern0.test(data)){validate42.errors = [{instancePath,schemaPath:"#/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},schema:"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",parentSchema:schema9,data}];return false;}}else {validate42.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "string"},schema:schema9.type,parentSchema:schema9,data}];return false;}}validate42.errors = vErrors;return errors === 0;}function validate41(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/api/users.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if((data.items === undefined) && (missing0 = "items")){validate41.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},schema:schema17.required,parentSchema:schema17,data}];return false;}else {if(data.items !== undefined){let data0 = data.items;const _errs1 = errors;if(errors === _errs1){if(Array.isArray(data0)){var valid1 = true;const len0 = data0.length;for(let i0=0; i0<len0; i0++){let data1 = data0[i0];const _errs3 = errors;if(errors === _errs3){if(data1 && typeof data1 == "object" && !Array.isArray(data1)){let missing1;if(((data1.id === undefined) && (missing1 = "id")) || ((data1.login === undefined) && (missing1 = "login"))){validate41.errors = [{instancePath:instancePath+"/items/" + i0,schemaPath:"#/properties/items/items/required",keyword:"required",params:{missingProperty: missing1},schema:schema17.properties.items.items.required,parentSchema:schema17.properties.items.items,data:data1}];return false;}else {if(data1.id !== undefined){const _errs5 = errors;if(!(validate42(data1.id, {instancePath:instancePath+"/items/" + i0+"/id",parentData:data1,parentDataProperty:"id",rootData}))){vErrors = vErrors === null ? validate42.errors : vErrors.concat(validate42.errors);errors = vErrors.length;}var valid2 = _errs5 === errors;}else {var valid2 = true;}if(valid2){if(data1.login !== undefined){let data3 = data1.login;const _errs6 = errors;if(typeof data3 !== "string"){validate41.errors = [{instancePath:instancePath+"/items/" + i0+"/login",schemaPath:"#/properties/items/items/properties/login/type",keyword:"type",params:{type: "string"},schema:schema17.properties.items.items.properties.login.type,parentSchema:schema17.properties.items.items.properties.login,data:data3}];return false;}var valid2 = _errs6 === errors;}else {var valid2 = true;}if(valid2){if(data1.tenant_id !== undefined){const _errs8 = errors;if(!(validate42(data1.tenant_id, {instancePath:instancePath+"/items/" + i0+"/tenant_id",parentData:data1,parentDataProperty:"tenant_id",rootData}))){vErrors = vErrors === null ? validate42.errors : vErrors.concat(validate42.errors);errors = vErrors.length;}var valid2 = _errs8 === errors;}else {var valid2 = true;}if(valid2){if(data1.enabled !== undefined){let data5 = data1.enabled;const _errs9 = errors;if(typeof data5 !== "boolean"){validate41.errors = [{instancePath:instancePath+"/items/" + i0+"/enabled",schemaPath:"#/properties/items/items/properties/enabled/type",keyword:"type",params:{type: "boolean"},schema:schema17.properties.items.items.properties.enabled.type,parentSchema:schema17.properties.items.items.properties.enabled,data:data5}];return false;}var valid2 = _errs9 === errors;}else {var valid2 = true;}if(valid2){if(data1.contact !== undefined){let data6 = data1.contact;const _errs11 = errors;if(errors === _errs11){if(data6 && typeof data6 == "object" && !Array.isArray(data6)){if(data6.email !== undefined){let data7 = data6.email;if(typeof data7 !== "string"){validate41.errors = [{instancePath:instancePath+"/items/" + i0+"/contact/email",schemaPath:"#/properties/items/items/properties/contact/properties/email/type",keyword:"type",params:{type: "string"},schema:schema17.properties.items.items.properties.contact.properties.email.type,parentSchema:schema17.properties.items.items.properties.contact.properties.email,data:data7}];return false;}}}else {validate41.errors = [{instancePath:instancePath+"/items/" + i0+"/contact",schemaPath:"#/properties/items/items/properties/contact/type",keyword:"type",params:{type: "object"},schema:schema17.properties.items.items.properties.contact.type,parentSchema:schema17.properties.items.items.properties.contact,data:data6}];return false;}}var valid2 = _errs11 === errors;}else {var valid2 = true;}}}}}}}else {validate41.errors = [{instancePath:instancePath+"/items/" + i0,schemaPath:"#/properties/items/items/type",keyword:"type",params:{type: "object"},schema:schema17.properties.items.items.type,parentSchema:schema17.properties.items.items,data:data1}];return false;}}var valid1 = _errs3 === errors;if(!valid1){break;}}}else {validate41.errors = [{instancePath:instancePath+"/items",schemaPath:"#/properties/items/type",keyword:"type",params:{type: "array"},schema:schema17.properties.items.type,parentSchema:schema17.properties.items,data:data0}];return false;}}}}}else {validate41.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},schema:schema17.type,parentSchema:schema17,data}];return false;}}validate41.errors = vErrors;return errors === 0;}

;// CONCATENATED MODULE: ./src/util/one-line.ts
const MAX = 80;
/**
 * A value for a message: JSON on one line (undefined as "absent"), cut short; it may come from outside,
 * so it is scrubbed by `redact` before the cut (a cut secret is no longer found whole: its start would show).
 */
function oneLineJson(value, redact, max = MAX) {
    if (value === undefined)
        return 'absent';
    const text = redact(JSON.stringify(value) ?? String(value));
    return text.length > max ? `${text.slice(0, max)}\u2026` : text;
}

;// CONCATENATED MODULE: ./src/acronis/answers.ts



/**
 * The answer as its validator's type, or an ApiError (`invalid_response`) naming the first field
 * that breaks the documented shape (schema/api/*.json) and what the API sent there, scrubbed by `redact`.
 */
function checked(validate, answer, call, redact = (text) => text) {
    if (validate(answer))
        return answer;
    const error = validate.errors?.[0];
    // The message quotes what the server sent, which may echo a secret back: scrubbed before it is cut.
    const problem = error ? answers_problemOf(error, redact) : 'the answer does not have the documented shape';
    throw new errors_ApiError(call.method, call.path, call.status, 'invalid_response', redact(problem));
}
/** `/parameters/kind` \u2192 `parameters.kind`, `/recipients/0` \u2192 `recipients[0]`; the root is "the answer". */
function field(pointer, child) {
    const parts = pointerSegments(pointer);
    if (child !== undefined)
        parts.push(child);
    let out = '';
    for (const p of parts)
        out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
    return out || 'the answer';
}
const ARTICLE = {
    object: 'an object',
    array: 'an array',
    string: 'a string',
    boolean: 'a boolean',
    integer: 'an integer',
    number: 'a number',
};
/** What one Ajv error says about the answer, in words a person can act on. */
function answers_problemOf(e, redact) {
    const at = field(e.instancePath);
    const shown = (value) => oneLineJson(value, redact);
    switch (e.keyword) {
        case 'required':
            return `${field(e.instancePath, e.params.missingProperty)} is missing`;
        case 'type': {
            const type = String(e.params.type);
            return `${at} is ${shown(e.data)}; expected ${ARTICLE[type] ?? type}`;
        }
        case 'enum': {
            const allowed = e.params.allowedValues;
            return `${at} is ${shown(e.data)}; expected one of: ${allowed.join(', ')}`;
        }
        case 'pattern': {
            const what = e.parentSchema?.description;
            return `${at} is ${shown(e.data)}; expected ${what ?? `a match for ${String(e.schema)}`}`;
        }
        case 'minLength':
            return `${at} is empty`;
        default:
            return `${at} ${e.message ?? 'is not valid'} (${shown(e.data)})`;
    }
}

;// CONCATENATED MODULE: ./src/acronis/auth.ts



/** The vendor samples renew 15 minutes before expires_on; short-lived tokens renew at 7/8 of their life. */
const RENEW_MARGIN_MS = 15 * 60 * 1000;
/**
 * Holds the run's one token: fetched on first use, renewed before it expires and once after a 401,
 * with concurrent callers sharing a single token request.
 */
class TokenSource {
    http;
    root;
    credentials;
    secrets;
    current;
    pending;
    constructor(http, root, credentials, 
    /** Learns every secret used or derived here before it can reach a log, and scrubs errors that echo one. */
    secrets) {
        this.http = http;
        this.root = root;
        this.credentials = credentials;
        this.secrets = secrets;
        if ('token' in credentials) {
            this.hide(credentials.token);
            this.current = { value: credentials.token, renewAt: Infinity };
        }
        else {
            this.hide(credentials.clientSecret);
            this.hide(basic(credentials));
        }
    }
    /** A given token cannot be renewed: a 401 with it is final. */
    get renewable() {
        return !('token' in this.credentials);
    }
    async authorization() {
        const t = this.current && Date.now() < this.current.renewAt ? this.current : await this.fetch();
        return `Bearer ${t.value}`;
    }
    /** After a 401: get a new token unless another caller already replaced the one that failed. */
    async renewAfter(failed) {
        if (this.current && `Bearer ${this.current.value}` !== failed)
            return;
        this.current = undefined;
        await this.fetch();
    }
    hide(secret) {
        this.secrets.add(secret);
    }
    fetch() {
        if ('token' in this.credentials)
            return Promise.resolve(this.current);
        this.pending ??= this.request(this.credentials).finally(() => (this.pending = undefined));
        return this.pending;
    }
    async request(c) {
        const url = new URL(`${this.root.pathname}/idp/token`, this.root);
        const reply = await this.http.send({
            method: 'POST',
            url,
            headers: {
                authorization: `Basic ${basic(c)}`,
                'content-type': 'application/x-www-form-urlencoded',
                accept: 'application/json',
            },
            body: 'grant_type=client_credentials',
            // Asking twice for a token only costs a token.
            idempotent: true,
        });
        if (reply.status !== 200) {
            throw apiErrorFrom('POST', '/idp/token', reply.status, reply.body, this.secrets.redact);
        }
        let answer;
        try {
            answer = JSON.parse(reply.body);
        }
        catch {
            throw new errors_ApiError('POST', '/idp/token', reply.status, 'invalid_response', 'the response is not JSON');
        }
        // A token is a secret before its answer is checked: a refusal quotes the answer's other fields,
        // and a server may echo the token into one of them.
        const token = answer?.access_token;
        if (typeof token === 'string')
            this.hide(token);
        const call = { method: 'POST', path: '/idp/token', status: reply.status };
        const body = checked(answer_validators_token, answer, call, this.secrets.redact);
        // expires_in is relative, so a runner whose clock disagrees with the server's still renews in time;
        // expires_on (absolute) is the fallback. A lifetime already over by our clock cannot be trusted: the
        // token is then used until a 401 asks for a new one, instead of a token request for every call.
        const now = Date.now();
        const life = body.expires_in !== undefined
            ? body.expires_in * 1000
            : body.expires_on !== undefined
                ? body.expires_on * 1000 - now
                : Infinity;
        const renewAt = life > 0 ? now + life - Math.min(RENEW_MARGIN_MS, life / 8) : Infinity;
        this.current = { value: body.access_token, renewAt };
        return this.current;
    }
}
function basic(c) {
    return Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64');
}

;// CONCATENATED MODULE: ./src/acronis/client.ts









/** Everything this project asks of the Account Management API v2, and nothing else. */
class AcronisClient {
    root;
    http;
    tokens;
    secrets;
    constructor(root, credentials, options) {
        this.root = root;
        this.http = new HttpClient(options);
        this.secrets = options.secrets ?? new Redactor();
        this.tokens = new TokenSource(this.http, root, credentials, this.secrets);
    }
    /** Scrubs every secret this client knows (the client secret, each token) from a text it did not make. */
    get redact() {
        return this.secrets.redact;
    }
    /** Gets the run's token now, so bad credentials fail the run once, before any report is read. */
    async authenticate() {
        await this.asApiError('POST', '/idp/token', () => this.tokens.authorization());
    }
    /** The report, checked against its documented shape and to be the one asked for. */
    async getReport(id) {
        return this.sameReport('GET', id, await this.json('GET', reportPath(id), report));
    }
    /** Sends only what the PUT schema accepts; answers with the report as the server now has it. */
    async updateReport(id, update) {
        return this.sameReport('PUT', id, await this.json('PUT', reportPath(id), report, update));
    }
    /**
     * `POST /reports`. Not idempotent: the HTTP layer retries it only where the server cannot have acted
     * (a 429, a refused connection); after a timeout, a reset or a 5xx the report may exist (the caller looks).
     */
    async createReport(create) {
        return this.json('POST', '/reports', report, create);
    }
    /** `DELETE /reports/{id}?version=N` with the version read in this run: a stale one is a 409. */
    async deleteReport(id, version) {
        await this.exchange('DELETE', `${reportPath(id)}?version=${version}`);
    }
    /** The tenant's report ids, each once (an id the API lists twice is still one report). */
    async tenantReportIds(tenantId) {
        const { items } = await this.json('GET', `/tenants/${segment(tenantId)}/reports`, reportIds);
        const seen = new Set();
        return items.filter((id) => !seen.has(id.toLowerCase()) && seen.add(id.toLowerCase()));
    }
    async clientTenant(clientId) {
        return (await this.json('GET', `/clients/${encodeURIComponent(clientId)}`, client)).tenant_id;
    }
    /** `GET /users?uuids=`, 100 ids per call as the API allows. */
    async users(ids) {
        const chunks = [];
        for (let i = 0; i < ids.length; i += 100)
            chunks.push(ids.slice(i, i + 100));
        const pages = await mapLimit(chunks, chunks.length, (c) => this.json('GET', `/users?uuids=${c.map(segment).join(',')}`, users));
        return pages.flatMap((p) => p.items);
    }
    async search(tenantId, text, limit = 50) {
        const q = new URLSearchParams({ tenant: tenantId, text, limit: String(limit) });
        return (await this.json('GET', `/search?${q}`, search)).items;
    }
    close() {
        this.http.close();
    }
    /** One call; its answer checked against `validate` (the documented shape) before anyone reads it. */
    async json(method, path, validate, body) {
        const reply = await this.exchange(method, path, body);
        const pathOnly = path.split('?')[0];
        let answer;
        try {
            answer = JSON.parse(reply.body);
        }
        catch {
            throw new errors_ApiError(method, pathOnly, reply.status, 'invalid_response', 'the response is not JSON');
        }
        return checked(validate, answer, { method, path: pathOnly, status: reply.status }, this.secrets.redact);
    }
    /** One call with the run's token (renewed once on a 401); any status but 2xx is an ApiError. */
    async exchange(method, path, body) {
        const url = new URL(`${this.root.pathname}${path}`, this.root);
        const pathOnly = path.split('?')[0];
        const send = (authorization) => this.asApiError(method, pathOnly, () => this.http.send({
            method,
            url,
            headers: {
                authorization,
                accept: 'application/json',
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        }));
        let authorization = await this.asApiError('POST', '/idp/token', () => this.tokens.authorization());
        let reply = await send(authorization);
        if (reply.status === 401 && this.tokens.renewable) {
            // The token expired mid-run (or was revoked): one new token, one more try.
            await this.asApiError('POST', '/idp/token', () => this.tokens.renewAfter(authorization));
            authorization = await this.asApiError('POST', '/idp/token', () => this.tokens.authorization());
            reply = await send(authorization);
        }
        if (reply.status < 200 || reply.status >= 300)
            throw apiErrorFrom(method, pathOnly, reply.status, reply.body, this.secrets.redact);
        return reply;
    }
    /** A report answered for another id is refused whole: nothing of it is planned, written or exported. */
    sameReport(method, id, report) {
        if (report.id.toLowerCase() === id.toLowerCase())
            return report;
        throw new errors_ApiError(method, reportPath(id), 200, 'invalid_response', `the API answered report ${report.id} for report ${id}`);
    }
    /**
     * Failures below HTTP become ApiErrors too, so every failure names its call the same way. Their text
     * is the server's doing as much as an answer's is (a refused redirect names where it pointed): scrubbed.
     */
    async asApiError(method, path, task) {
        try {
            return await task();
        }
        catch (e) {
            const cause = { cause: e };
            const redact = this.secrets.redact;
            if (e instanceof errors_TransportError)
                throw new errors_ApiError(method, path, 0, e.code, redact(e.message), cause);
            // Named by its path under the API root, as every other failure of a call is.
            if (e instanceof deadline_RunTimeoutError && e.stop.kind !== 'not-attempted')
                throw new deadline_RunTimeoutError(e.seconds, { ...e.stop, path });
            throw e;
        }
    }
}
/** A path segment from an id: UUIDs lower-cased, as the vendor's path patterns write them. */
function segment(id) {
    return encodeURIComponent(id.toLowerCase());
}
const reportPath = (id) => `/reports/${segment(id)}`;

;// CONCATENATED MODULE: ./src/engine/tenant.ts
/**
 * The tenant the run works in: the tenant-id input, else the API client's own (one lookup, made
 * only when something needs it). With a bare token there is no client id to look up.
 */
function tenantResolver(client, credentials, given) {
    let pending;
    return () => {
        pending ??= given
            ? Promise.resolve(given)
            : 'clientId' in credentials
                ? client.clientTenant(credentials.clientId)
                : Promise.resolve(undefined);
        return pending;
    };
}
/** Reports of the tenant that reports.yaml does not declare: counted and listed, never read or written. */
async function undeclared(client, tenantId, declared) {
    const known = new Set([...declared].map((id) => id.toLowerCase()));
    const ids = (await client.tenantReportIds(tenantId)).filter((id) => !known.has(id.toLowerCase()));
    return { tenantId, ids: ids.sort() };
}

;// CONCATENATED MODULE: ./src/engine/session.ts



/** Reads and validates the config, once; nothing else. Throws ConfigErrors. */
async function readSource(settings) {
    const text = await readConfig(settings.configPath, settings.configName, settings.configRoot);
    return { text, config: parseConfig(text, settings.configName) };
}
/** Reads and validates the config; nothing else. Throws ConfigErrors. */
async function session_validate(settings) {
    return (await readSource(settings)).config;
}
/**
 * Runs `fn` in a session: the client built once from the settings, the token fetched first (bad
 * credentials fail the run once, before any report is read), the tenant resolved when first asked,
 * and the client closed however `fn` ends.
 */
async function withSession(settings, io, fn) {
    const client = new AcronisClient(settings.apiRoot, settings.credentials, {
        concurrency: settings.concurrency,
        timeoutMs: settings.timeoutMs,
        runTimeoutSeconds: settings.runTimeoutSeconds,
        secrets: io.secrets,
        onRetry: (e) => io.info(`retry ${e.attempt}: ${e.method} ${e.path} (${e.reason}), waiting ${e.delayMs} ms`),
    });
    try {
        await client.authenticate();
        const tenant = tenantResolver(client, settings.credentials, settings.tenantId);
        return await fn({ settings, io, client, tenant });
    }
    finally {
        client.close();
    }
}

;// CONCATENATED MODULE: ./src/engine/tenant-export.ts









/**
 * export: every report of the run's tenant (the one named, else the API client's own), read in one
 * session, and recipients' logins when asked. A bare token names no tenant of its own.
 */
function exportTenant(settings, io, options) {
    return withSession(settings, io, async ({ client, tenant }) => {
        const tenantId = await tenant();
        if (!tenantId)
            throw new InputError('export needs --tenant when ACRONIS_TOKEN is used (there is no client id to look it up)');
        return readTenant(client, tenantId, { ...options, concurrency: settings.concurrency });
    });
}
/** Reads every report of the tenant (ids, then each report), and recipients' logins when asked. */
async function readTenant(client, tenantId, options) {
    const ids = await client.tenantReportIds(tenantId);
    const read = await readReports(client, ids, options.concurrency, options.onProgress);
    const reports = read.filter((r) => !('error' in r));
    const failures = read.filter((r) => 'error' in r);
    if (!options.byLogin)
        return { tenantId, reports, failures };
    const recipients = new Set(reports.flatMap((r) => writable(r)?.map((u) => u.toLowerCase()) ?? []));
    return { tenantId, reports, failures, logins: await loginsOf(client, [...recipients]) };
}
/** GETs each report, twice the client's concurrency in the pipeline; one that fails is returned as Unread. */
function readReports(client, ids, concurrency, onProgress) {
    let done = 0;
    return mapLimit(ids, concurrency * 2, async (id) => {
        try {
            return await client.getReport(id);
        }
        catch (e) {
            return { id, error: describeError(e) };
        }
        finally {
            onProgress?.(++done, ids.length);
        }
    });
}
/** An email address has at most 254 characters; a login written in a list must leave the line short. */
const MAX_LOGIN_CHARS = 254;
/**
 * User UUID (lower case) \u2192 login, for writing recipients by login. One call per 100 users: cheap.
 * A user the API does not return (outside the tenant) is left out: it stays a UUID.
 */
async function loginsOf(client, ids) {
    return usableLogins(await client.users(ids));
}
/**
 * The logins a file can name users by: not one the schema would refuse as a name, not one that reads
 * as a UUID, none longer than any honest one, none two users answer with (it would name neither:
 * plan finds a recipient by its exact login). Those users stay UUIDs.
 */
function usableLogins(users) {
    const seen = new Map();
    for (const u of users)
        seen.set(u.login, (seen.get(u.login) ?? 0) + 1);
    return new Map(users
        .filter((u) => seen.get(u.login) === 1)
        .filter((u) => u.login.length <= MAX_LOGIN_CHARS && isRecipientName(u.login) && !isUuid(u.login))
        .map((u) => [u.id.toLowerCase(), u.login]));
}
function oneTime(r) {
    const p = r.parameters;
    const period = p.period ? `, period ${commentValue(p.period.start)} to ${commentValue(p.period.end)}` : '';
    const formats = p.formats.map(commentValue).join(', ');
    return `#   ${commentValue(r.id)}: ${commentValue(p.kind)}, level ${commentValue(p.level)}, result action ${commentValue(r.result_action)}, formats ${formats}${period}`;
}
/**
 * reports.yaml for a tenant: every scheduled report as a managed entry holding its live values, so a
 * plan of the file shows no changes. One-time reports cannot be updated and appear only as comments.
 */
function renderExport(t, options) {
    const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const once = t.reports.filter((r) => r.schedule.type === 'once').sort(byId);
    const made = t.reports
        .filter((r) => r.schedule.type !== 'once')
        .sort(byId)
        .map((r) => entryText(r, t.logins));
    const entries = made.filter((e) => 'lines' in e);
    const unwritable = made.filter((e) => !('lines' in e));
    const out = [
        `# yaml-language-server: $schema=${options.schema}`,
        `# Exported by ${options.generator} from tenant ${commentValue(t.tenantId)}: ${plural_plural(entries.length, 'scheduled report')}.`,
        '# A key left out is not managed. Read-only attributes are comments: changing one needs a new report.',
        'version: 1',
        ...(options.tenant ? [`tenant: ${yamlScalar(options.tenant.toLowerCase())}`] : []),
        entries.length ? 'reports:' : 'reports: []',
    ];
    for (const e of entries)
        out.push(...e.lines.map((l) => `  ${l}`), '');
    if (once.length) {
        out.push('# One-time reports (schedule once): the API cannot update them, so they are not managed.');
        out.push(...once.map(oneTime), '');
    }
    if (t.failures.length) {
        out.push('# Reports that could not be read, not exported:');
        out.push(...t.failures.map((f) => `#   ${commentValue(f.id)}: ${commentValue(f.error)}`), '');
    }
    if (unwritable.length) {
        out.push('# Reports no entry can hold as they are, not exported:');
        out.push(...unwritable.map((u) => `#   ${u.id}: ${u.reason}`), '');
    }
    while (out[out.length - 1] === '')
        out.pop();
    const text = out.join('\n') + '\n';
    // The file is read back whole before anyone sees it: it must declare exactly the entries meant.
    const wrong = unlikeIntended(text, 'reports.yaml', entries.map((e) => e.values));
    if (wrong)
        throw new Error(`export could not write the tenant's reports as they are (${wrong}); nothing was written`);
    return { text, unwritable };
}

;// CONCATENATED MODULE: ./src/cli/flags.ts


/** Secrets come from the environment (a flag would land in shell history); the data center may be a flag too. */
const ENV = {
    'base-url': 'ACRONIS_BASE_URL',
    'client-id': 'ACRONIS_CLIENT_ID',
    'client-secret': 'ACRONIS_CLIENT_SECRET',
    token: 'ACRONIS_TOKEN',
};
/** The tenant flag under either of its names; both at once must agree. */
function tenantFlag(flags) {
    const [a, b] = [flags['tenant-id'], flags.tenant];
    if (a && b && a !== b)
        throw new UsageError(`--tenant-id "${a}" and --tenant "${b}" disagree; give one`);
    return { value: a ?? b, flag: a ? '--tenant-id' : '--tenant' };
}
function cliSettings(mode, flags, env, cwd) {
    const [raw, ctx] = inputs(flags, env, cwd);
    return mode === 'validate' ? settingsFrom({ ...raw, mode }, ctx) : onlineSettingsFrom(mode, raw, ctx);
}
function inputs(flags, env, cwd) {
    const tenant = tenantFlag(flags);
    const baseUrl = flags['base-url'] ?? env.ACRONIS_BASE_URL;
    const label = (name) => {
        if (name === 'base-url')
            return flags['base-url']
                ? '--base-url'
                : env.ACRONIS_BASE_URL
                    ? 'ACRONIS_BASE_URL'
                    : '--base-url (or ACRONIS_BASE_URL)';
        if (name === 'tenant-id')
            return tenant.flag;
        if (name === 'mode')
            return 'command';
        if (name === 'run-timeout-seconds')
            return '--run-timeout';
        return ENV[name] ?? `--${name}`;
    };
    const raw = {
        config: flags.config,
        'base-url': baseUrl,
        'client-id': env.ACRONIS_CLIENT_ID,
        'client-secret': env.ACRONIS_CLIENT_SECRET,
        token: env.ACRONIS_TOKEN,
        concurrency: flags.concurrency,
        'timeout-seconds': flags['timeout-seconds'],
        'run-timeout-seconds': flags['run-timeout'],
        'max-changes': flags['max-changes'],
        'max-deletes': flags['max-deletes'],
        'tenant-id': tenant.value,
    };
    // A file named with --config is read wherever it is; the default one only inside the current directory.
    return [raw, { workspace: cwd, eventName: '', label, confine: flags.config === undefined }];
}

;// CONCATENATED MODULE: ./src/engine/plan.ts


// Recipient lists are short: two inclusions cost less than two Sets, once per report of a large run.
const sameSet = (a, b) => a.every((v) => b.includes(v)) && b.every((v) => a.includes(v));
/** A managed field's live value, as plans show it. */
function liveValue(live, field) {
    switch (field) {
        case 'kind':
        case 'level':
            return live.parameters[field];
        case 'hide_zero_usage':
        case 'show_skus':
            return live.parameters[field] ?? null;
        case 'enabled':
            return live.schedule.enabled;
        case 'recipients':
            return live.recipients.map((r) => r.toLowerCase());
    }
}
function wanted(desired, field) {
    if (field === 'recipients')
        return desired.recipientIds ?? desired.recipients?.map((r) => r.toLowerCase());
    return desired[field];
}
const label = (ids, names) => [...new Set(ids)].map((id) => names?.get(id) ?? id).sort();
/** Compares one declared report with its live state. Pure, deterministic: fields in FIELDS order. */
function planReport(desired, live) {
    const changes = [];
    for (const field of FIELDS) {
        const want = wanted(desired, field);
        if (want === undefined)
            continue;
        const have = liveValue(live, field);
        if (Array.isArray(want) && Array.isArray(have)) {
            if (!sameSet(want, have)) {
                const names = desired.recipientNames;
                const change = { field, from: label(have, names), to: label(want, names) };
                if (names && [...have, ...want].some((id) => names.has(id)))
                    change.ids = { from: [...new Set(have)].sort(), to: [...new Set(want)].sort() };
                changes.push(change);
            }
        }
        else if (want !== have)
            changes.push({ field, from: have, to: want });
    }
    const immutable = immutableDifference(desired, live);
    if (immutable)
        return { changes, blocked: immutable };
    if (!changes.length)
        return { changes };
    const undocumented = undocumentedValue(live);
    if (undocumented)
        return { changes, blocked: undocumented };
    if (live.schedule.type !== 'monthly') {
        return {
            changes,
            blocked: `only scheduled reports can be updated (schedule.type is ${live.schedule.type})`,
        };
    }
    if (live.result_action !== 'send' && changes.some((c) => c.field === 'recipients')) {
        return {
            changes,
            blocked: `recipients can only be set on reports whose result_action is send (this one is ${live.result_action})`,
        };
    }
    return { changes, update: mergedUpdate(desired, live) };
}
/**
 * A field an update cannot change (tenant, result_action, formats) that the entry declares otherwise
 * than the report has: the report fails, saying how to replace it.
 */
function immutableDifference(desired, live) {
    const p = live.parameters;
    const differs = [];
    if (desired.tenant !== undefined && desired.tenant !== p.tenant_id.toLowerCase())
        differs.push(['tenant', p.tenant_id, desired.tenant]);
    if (desired.result_action !== undefined && desired.result_action !== live.result_action)
        differs.push(['result_action', live.result_action, desired.result_action]);
    if (desired.formats !== undefined) {
        const want = [...new Set(desired.formats)].sort();
        const have = [...new Set(p.formats)].sort();
        if (want.join() !== have.join())
            differs.push(['formats', `[${have.join(', ')}]`, `[${want.join(', ')}]`]);
    }
    if (!differs.length)
        return undefined;
    const what = differs.map(([field, from, to]) => `${field} is ${from}, the file says ${to}`).join('; ');
    const fields = differs.map(([field]) => field).join(' and ');
    return `${fields} cannot change by an update (${what}): to replace the report, add a new entry without id with the new value and set \`state: absent\` on this one, in one pull request`;
}
/**
 * Why a PUT must not be built from this live report: a kind or level the vendor does not document
 * (every PUT carries both, the live one where the file does not manage it). Newer values are not
 * garbage to export and pull, which show them; a write never sends one back.
 */
function undocumentedValue(live) {
    const { kind, level } = live.parameters;
    if (!documented(REPORT_KINDS, kind))
        return `the live kind ${JSON.stringify(kind)} is not one the API documents (${REPORT_KINDS.join(', ')}): nothing is sent`;
    if (!documented(REPORT_LEVELS, level))
        return `the live level ${JSON.stringify(level)} is not one the API documents (${REPORT_LEVELS.join(', ')}): nothing is sent`;
    return undefined;
}
/**
 * The documented minimum (the vendor guide's own update example): `parameters.{kind, level}` and, for
 * send reports, `recipients`, each desired where the file manages it and live elsewhere; `schedule.enabled`,
 * `hide_zero_usage` and `show_skus` only when the file manages them and they differ, because the guide
 * says only kind and level can change and a data center that follows it refuses the others.
 * Whether the API keeps or resets what a body leaves out is checked on its answer (apply.ts).
 */
function mergedUpdate(desired, live) {
    const p = live.parameters;
    const kind = desired.kind ?? p.kind;
    const level = desired.level ?? p.level;
    // planReport refuses an undocumented live kind or level before it asks for a body.
    if (!documented(REPORT_KINDS, kind) || !documented(REPORT_LEVELS, level))
        throw new Error(`no update is built from an undocumented kind or level (${kind}, ${level})`);
    const parameters = { kind, level };
    for (const flag of ['hide_zero_usage', 'show_skus']) {
        const want = desired[flag];
        if (want !== undefined && want !== p[flag])
            parameters[flag] = want;
    }
    const update = { parameters };
    if (desired.enabled !== undefined && desired.enabled !== live.schedule.enabled)
        update.schedule = { enabled: desired.enabled };
    // The API takes recipients only when result_action is send.
    if (live.result_action === 'send')
        update.recipients = [
            ...new Set(wanted(desired, 'recipients') ?? live.recipients),
        ];
    return update;
}

;// CONCATENATED MODULE: ./src/engine/returned.ts

/** Where each field reports.yaml manages sits in a report. */
const PATHS = {
    kind: 'parameters.kind',
    level: 'parameters.level',
    recipients: 'recipients',
    enabled: 'schedule.enabled',
    hide_zero_usage: 'parameters.hide_zero_usage',
    show_skus: 'parameters.show_skus',
};
/** The server's own bookkeeping: every accepted write bumps it. */
const SERVER_OWNED = new Set(['version']);
/** A report as dotted paths to values; an array is one value. */
function leaves(value, prefix, out) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value))
            leaves(v, prefix ? `${prefix}.${k}` : k, out);
    }
    else
        out.set(prefix, value);
    return out;
}
/** Arrays compare as sets, strings in them without case (user UUIDs): the API may reorder them. */
function same(a, b) {
    if (!Array.isArray(a) || !Array.isArray(b))
        return a === b;
    const norm = (v) => v.map((x) => JSON.stringify(typeof x === 'string' ? x.toLowerCase() : x)).sort();
    return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}
/**
 * Every field the file does not manage that differs between the report before the PUT and the one the
 * PUT answered, field by field, unknown ones included. Whether the API keeps or resets what a body
 * leaves out is not documented: this is how a run finds out, and says what to restore.
 */
function unmanagedChanges(desired, before, after) {
    const managed = new Set(FIELDS.filter((f) => (f === 'recipients' ? desired.recipients : desired[f]) !== undefined).map((f) => PATHS[f]));
    const was = leaves(before, '', new Map());
    const now = leaves(after, '', new Map());
    const out = [];
    for (const field of new Set([...was.keys(), ...now.keys()])) {
        if (managed.has(field) || SERVER_OWNED.has(field))
            continue;
        if (!same(was.get(field), now.get(field)))
            out.push({ field, was: was.get(field), now: now.get(field) });
    }
    return out.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

;// CONCATENATED MODULE: ./src/engine/apply.ts







/**
 * GET each declared report, plan it and, when writing, PUT it in the same pipeline, so fetching and
 * updating overlap under the client's one concurrency limit. With max-changes every report is planned
 * before the first PUT, because the limit needs the whole count.
 */
async function reconcile(reports, client, options) {
    const workers = options.concurrency * 2;
    let done = 0;
    const finish = (o) => {
        options.onOutcome?.(o, ++done, reports.length);
        return o;
    };
    const limit = options.maxChanges;
    let timeout;
    const fail = (r, changes, e) => {
        if (e instanceof deadline_RunTimeoutError) {
            timeout ??= { seconds: e.seconds, stopped: 0 };
            timeout.stopped++;
        }
        return failed(r, changes, describeError(e));
    };
    // Whatever a report's step throws (its GET refused, its answer malformed) fails that report alone:
    // the others still get their outcomes.
    const steps = await mapLimit(reports, workers, async (r) => {
        try {
            return await fetchAndPlan(r);
        }
        catch (e) {
            return { kind: 'done', outcome: finish(fail(r, [], e)) };
        }
    });
    async function fetchAndPlan(r) {
        const live = await client.getReport(r.id);
        const plan = planReport(r, live);
        if (!plan.update || !options.write)
            return { kind: 'done', outcome: finish(outcomeOf(r, plan, false)) };
        const held = options.review?.(r.id, plan.changes);
        if (held)
            return { kind: 'done', outcome: finish({ ...outcomeOf(r, plan, false), status: 'held', ...held }) };
        // With max-changes the PUT waits until every report is planned and counted.
        if (limit !== undefined)
            return { kind: 'to-put', report: r, plan, live };
        return { kind: 'done', outcome: finish(await put(r, plan, live, client, fail)) };
    }
    const count = steps.reduce((n, s) => (s.kind === 'to-put' ? n + 1 : n), options.otherChanges ?? 0);
    const over = limit !== undefined && count > limit;
    // Results by position: each outcome stays where its report is in the file.
    const outcomes = await mapLimit(steps, workers, async (s) => {
        if (s.kind === 'done')
            return s.outcome;
        try {
            return finish(over ? outcomeOf(s.report, s.plan, false) : await put(s.report, s.plan, s.live, client, fail));
        }
        catch (e) {
            return finish(fail(s.report, s.plan.changes, e));
        }
    });
    return {
        outcomes,
        ...(over ? { overMaxChanges: { count, limit } } : {}),
        ...(timeout ? { runTimeout: timeout } : {}),
    };
}
function outcomeOf(r, plan, applied) {
    if (plan.blocked)
        return failed(r, plan.changes, plan.blocked);
    const status = !plan.changes.length ? 'unchanged' : applied ? 'updated' : 'would-update';
    return { id: r.id, name: r.name, entry: r.index, status, changes: plan.changes, at: r.at };
}
/**
 * Sends the PUT and reads its answer field by field: the managed fields must show the file's values,
 * and every other field the value it had before (a server that resets what a body leaves out is caught,
 * with the previous value named so a person can restore it). A refusal fails with the API's own words.
 */
async function put(r, plan, before, client, fail) {
    if (!plan.update)
        return outcomeOf(r, plan, false);
    let after;
    try {
        after = await client.updateReport(r.id, plan.update);
    }
    catch (e) {
        return fail(r, plan.changes, e);
    }
    const left = planReport(r, after).changes;
    if (left.length) {
        return failed(r, plan.changes, `did not converge: the stored report still differs (${showChanges(left)})`);
    }
    const reset = unmanagedChanges(r, before, after);
    if (reset.length) {
        const what = reset
            .map((c) => `${c.field} was ${oneLineJson(c.was, client.redact)} (now ${oneLineJson(c.now, client.redact)})`)
            .join('; ');
        return failed(r, plan.changes, `the API also changed what the file does not manage: ${what}; restore by hand`);
    }
    return outcomeOf(r, plan, true);
}
function failed(r, changes, error) {
    return { id: r.id, name: r.name, entry: r.index, status: 'failed', changes, error, at: r.at };
}

;// CONCATENATED MODULE: ./src/engine/creates.ts



// Creating (shared/acronis-api.md, "Creating and deleting"). Reports have no name: an entry without
// id is recognised among its tenant's undeclared reports by what it declares, so a run between the
// create and the moment the id is in the file finds it instead of creating it again.
/** An entry to create has no id until the API gives one. */
const newBase = (r, id = '') => ({ id, name: r.name, at: r.at, entry: r.index });
/** The undeclared reports of each tenant new entries belong to, read once per tenant; re-read on demand. */
class Candidates {
    client;
    declared;
    concurrency;
    byTenant = new Map();
    constructor(client, 
    /** Every id the file declares (kept or deleted), and every report this run made: never a candidate. */
    declared, concurrency) {
        this.client = client;
        this.declared = declared;
        this.concurrency = concurrency;
    }
    /** A report an entry now stands for (created or found in this run): no other entry may match it. */
    claim(id) {
        this.declared.add(id.toLowerCase());
    }
    /** The tenant's undeclared scheduled reports (a fresh listing when `fresh`). */
    async of(tenantId, fresh = false) {
        let pending = fresh ? undefined : this.byTenant.get(tenantId);
        if (!pending) {
            pending = this.read(tenantId);
            this.byTenant.set(tenantId, pending);
        }
        return (await pending).filter((r) => !this.declared.has(r.id.toLowerCase()));
    }
    /** A report that cannot be read might be the one an entry means: then nothing is created blindly. */
    async read(tenantId) {
        const ids = (await this.client.tenantReportIds(tenantId)).filter((id) => !this.declared.has(id.toLowerCase()));
        const read = await readReports(this.client, ids, this.concurrency);
        const unread = read.filter((r) => 'error' in r);
        if (unread.length)
            throw new Error(`${unread.length} undeclared report(s) of tenant ${tenantId} could not be read (${unread[0].error}), so whether this report exists is unknown: nothing was created`);
        return read;
    }
}
/**
 * Whether a live report is the one an entry without id declares: its tenant, kind, level,
 * result_action, a monthly schedule, and every other field the entry declares (formats and recipients
 * as sets).
 */
function declares(r, tenantId, live) {
    const p = live.parameters;
    const sameSet = (a, b) => {
        const x = new Set(a.map((v) => v.toLowerCase()));
        const y = new Set(b.map((v) => v.toLowerCase()));
        return x.size === y.size && [...x].every((v) => y.has(v));
    };
    if (p.tenant_id.toLowerCase() !== tenantId || live.schedule.type !== 'monthly')
        return false;
    if (p.kind !== r.kind || p.level !== r.level || live.result_action !== r.result_action)
        return false;
    if (r.formats && !sameSet(r.formats, p.formats))
        return false;
    if (r.enabled !== undefined && r.enabled !== live.schedule.enabled)
        return false;
    if (r.hide_zero_usage !== undefined && r.hide_zero_usage !== p.hide_zero_usage)
        return false;
    if (r.show_skus !== undefined && r.show_skus !== p.show_skus)
        return false;
    const recipients = r.recipientIds ?? r.recipients;
    return !recipients || sameSet(recipients, live.recipients);
}
/** What a create makes, field by field (unset \u2192 declared): shown in plans, recorded for review. */
function createChanges(r, tenantId) {
    const changes = [
        { field: 'tenant', from: null, to: tenantId },
        { field: 'result_action', from: null, to: r.result_action },
    ];
    if (r.formats)
        changes.push({ field: 'formats', from: null, to: [...r.formats] });
    for (const field of FIELDS) {
        if (field === 'recipients') {
            const ids = r.recipientIds ?? r.recipients?.map((x) => x.toLowerCase());
            if (!ids)
                continue;
            const names = ids.map((id) => r.recipientNames?.get(id) ?? id);
            const change = { field, from: null, to: [...new Set(names)].sort() };
            if (r.recipientNames && ids.some((id) => r.recipientNames.has(id)))
                change.ids = { from: [], to: [...new Set(ids)].sort() };
            changes.push(change);
        }
        else if (r[field] !== undefined)
            changes.push({ field, from: null, to: r[field] });
    }
    return changes;
}
/** Plans one entry without id against its tenant's undeclared reports: found once, none (create), or several. */
async function planCreate(r, tenantId, candidates) {
    const at = newBase(r);
    if (!tenantId) {
        const error = 'a report to create needs its tenant: set `tenant` in the file (or on the entry), or tenant-id when using a token';
        return { kind: 'done', outcome: { ...at, status: 'failed', changes: [], error } };
    }
    const changes = createChanges(r, tenantId);
    try {
        const found = (await candidates.of(tenantId)).filter((live) => declares(r, tenantId, live));
        if (found.length === 1)
            return { kind: 'done', outcome: recorded(r, found[0].id) };
        if (found.length > 1)
            return { kind: 'done', outcome: ambiguous(r, found, changes) };
        return { kind: 'create', r, tenantId, changes };
    }
    catch (e) {
        return { kind: 'done', outcome: { ...at, status: 'failed', changes, error: describeError(e) } };
    }
}
const recorded = (r, id) => ({
    ...newBase(r, id),
    status: 'unchanged',
    changes: [],
    note: `exists as ${id}, not yet recorded: run pull (or add \`id: ${id}\` to the entry)`,
});
const ambiguous = (r, found, changes) => ({
    ...newBase(r),
    status: 'failed',
    changes,
    error: `${found.length} reports match: add \`id:\` with the one this entry means (${found
        .map((f) => f.id)
        .sort()
        .join(', ')})`,
});
/** The POST body: the documented shape, a monthly schedule, only what the entry declares besides. */
function createBody(r, tenantId) {
    const parameters = { tenant_id: tenantId, kind: r.kind, level: r.level };
    if (r.formats)
        parameters.formats = [...r.formats];
    if (r.hide_zero_usage !== undefined)
        parameters.hide_zero_usage = r.hide_zero_usage;
    if (r.show_skus !== undefined)
        parameters.show_skus = r.show_skus;
    const recipients = r.result_action === 'send' ? [...new Set(r.recipientIds ?? r.recipients ?? [])] : [];
    return {
        recipients,
        result_action: r.result_action,
        parameters,
        schedule: r.enabled === undefined ? { type: 'monthly' } : { type: 'monthly', enabled: r.enabled },
    };
}
/**
 * Creates the report. A POST is not idempotent: after a timeout, a reset or a 5xx the report may exist,
 * so the tenant is listed again and matched first; only when nothing matches is the POST sent once more.
 */
async function sendCreate(step, client, candidates) {
    const { r, tenantId, changes } = step;
    const body = createBody(r, tenantId);
    const done = (id, note) => ({
        ...newBase(r, id),
        status: 'created',
        changes,
        ...(note ? { note } : {}),
    });
    const fail = (e) => ({
        ...newBase(r),
        status: 'failed',
        changes,
        error: creates_refusal(e),
    });
    try {
        return done((await client.createReport(body)).id);
    }
    catch (e) {
        if (!uncertain(e))
            return fail(e);
        let found;
        try {
            found = (await candidates.of(tenantId, true)).filter((live) => declares(r, tenantId, live));
        }
        catch (listing) {
            return fail(listing);
        }
        if (found.length === 1)
            return done(found[0].id, `the answer to the POST was lost (${describeError(e)}); the report was found`);
        if (found.length > 1)
            return ambiguous(r, found, changes);
        try {
            return done((await client.createReport(body)).id);
        }
        catch (again) {
            return fail(again);
        }
    }
}
/** A POST the server may have acted on: no answer (a timeout, a reset) or a 5xx. */
function uncertain(e) {
    return e instanceof errors_ApiError && (e.status === 0 || e.status >= 500);
}
/** The API's words, and for the documented early-hours refusal what to do about it. */
function creates_refusal(e) {
    const text = describeError(e);
    if (e instanceof errors_ApiError && (e.status === 400 || e.status === 500) && /not ready/i.test(e.message))
        return `${text}: the API creates reports only once the day's usage history is ready (after about 06:00, data-center time); run the apply again then`;
    return text;
}

;// CONCATENATED MODULE: ./src/engine/deletes.ts




/** GETs each report to delete: its version is the one the DELETE sends; one already gone is unchanged. */
function planDeletes(deletes, client, concurrency) {
    return mapLimit(deletes, concurrency * 2, async (r) => {
        try {
            return { kind: 'delete', r, live: await client.getReport(r.id) };
        }
        catch (e) {
            if (e instanceof errors_ApiError && e.status === 404)
                return { kind: 'done', outcome: gone(r) };
            return { kind: 'done', outcome: { ...base(r), status: 'failed', changes: [], error: describeError(e) } };
        }
    });
}
/** What a delete removes, field by field (live \u2192 unset): what a reviewed plan records and compares. */
function deleteChanges(live) {
    return FIELDS.map((field) => ({ field, from: liveValue(live, field), to: null }));
}
/** Sends the DELETE with the version read in this run; a report gone meanwhile is unchanged. */
async function sendDelete(r, live, client) {
    const changes = deleteChanges(live);
    try {
        await client.deleteReport(r.id, live.version);
        return { ...base(r), status: 'deleted', changes };
    }
    catch (e) {
        if (e instanceof errors_ApiError && e.status === 404)
            return gone(r);
        const why = e instanceof errors_ApiError && e.status === 409
            ? `${describeError(e)}: the report changed since it was read (version ${live.version}); nothing was deleted, run again to delete it as it is now`
            : describeError(e);
        return { ...base(r), status: 'failed', changes, error: why };
    }
}
/** An entry's outcome head: its id, name, place in the file and entry number. */
const base = (r) => ({ id: r.id, name: r.name, at: r.at, entry: r.index });
const gone = (r) => ({
    ...base(r),
    status: 'unchanged',
    changes: [],
    note: 'already gone: nothing to delete (remove the entry)',
});

;// CONCATENATED MODULE: ./src/util/is-object.ts
/** A value that can be read as an object of named fields (an answer's or a record's JSON, checked by hand). */
const is_object_isObject = (v) => typeof v === 'object' && v !== null;

;// CONCATENATED MODULE: ./src/review/record-validator.js
// Generated by scripts/build.mjs from schema/reviewed-record.json with Ajv: do not edit.
/* eslint-disable */
// @ts-nocheck
const record_validator_validate = (/* unused pure expression or super */ null && (record_validator_validate10));/* harmony default export */ const record_validator = ((/* unused pure expression or super */ null && (record_validator_validate10)));const record_validator_schema11 = {"$schema":"http://json-schema.org/draft-07/schema#","$id":"https://github.com/acronis-report-sync/acronis-report-sync/schema/reviewed-record.json","title":"The reviewed plan recorded in a plan comment (version 2)","description":"The JSON of the hidden block `<!-- acronis-report-sync:reviewed {\u2026} <mac> -->` that src/review/record.ts writes and reads; its MAC is checked before this shape.","type":"object","required":["v","repo","pr","sha","config","full","digests","digestLength","unrecorded"],"additionalProperties":false,"properties":{"v":{"const":2},"repo":{"type":"string","minLength":1,"maxLength":256},"pr":{"type":"integer","minimum":1},"sha":{"type":"string","pattern":"^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$"},"config":{"type":"string","minLength":1,"maxLength":4096},"full":{"type":"object","additionalProperties":{"type":"array","items":{"$ref":"#/definitions/row"}}},"digests":{"type":"string","pattern":"^([A-Za-z0-9_-]{16})*$"},"digestLength":{"const":16},"unrecorded":{"type":"integer","minimum":0}},"definitions":{"field":{"enum":["kind","level","recipients","enabled","hide_zero_usage","show_skus","tenant","result_action","formats"]},"shown":{"anyOf":[{"type":"null"},{"type":"string"},{"type":"boolean"},{"type":"array","items":{"type":"string"}}]},"ids":{"type":"array","items":{"type":"string"}},"row":{"anyOf":[{"type":"array","minItems":3,"maxItems":3,"items":[{"$ref":"#/definitions/field"},{"$ref":"#/definitions/shown"},{"$ref":"#/definitions/shown"}]},{"type":"array","minItems":5,"maxItems":5,"items":[{"const":"recipients"},{"$ref":"#/definitions/shown"},{"$ref":"#/definitions/shown"},{"$ref":"#/definitions/ids"},{"$ref":"#/definitions/ids"}]}]}}};const record_validator_func2 = Object.prototype.hasOwnProperty;const record_validator_pattern0 = new RegExp("^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$", "u");const pattern1 = new RegExp("^([A-Za-z0-9_-]{16})*$", "u");const record_validator_schema12 = {"anyOf":[{"type":"array","minItems":3,"maxItems":3,"items":[{"$ref":"#/definitions/field"},{"$ref":"#/definitions/shown"},{"$ref":"#/definitions/shown"}]},{"type":"array","minItems":5,"maxItems":5,"items":[{"const":"recipients"},{"$ref":"#/definitions/shown"},{"$ref":"#/definitions/shown"},{"$ref":"#/definitions/ids"},{"$ref":"#/definitions/ids"}]}]};const record_validator_schema13 = {"enum":["kind","level","recipients","enabled","hide_zero_usage","show_skus","tenant","result_action","formats"]};const schema14 = {"anyOf":[{"type":"null"},{"type":"string"},{"type":"boolean"},{"type":"array","items":{"type":"string"}}]};const schema18 = {"type":"array","items":{"type":"string"}};function record_validator_validate11(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){let vErrors = null;let errors = 0;const _errs0 = errors;let valid0 = false;const _errs1 = errors;if(errors === _errs1){if(Array.isArray(data)){if(data.length > 3){const err0 = {instancePath,schemaPath:"#/anyOf/0/maxItems",keyword:"maxItems",params:{limit: 3},message:"must NOT have more than 3 items"};if(vErrors === null){vErrors = [err0];}else {vErrors.push(err0);}errors++;}else {if(data.length < 3){const err1 = {instancePath,schemaPath:"#/anyOf/0/minItems",keyword:"minItems",params:{limit: 3},message:"must NOT have fewer than 3 items"};if(vErrors === null){vErrors = [err1];}else {vErrors.push(err1);}errors++;}else {const len0 = data.length;if(len0 > 0){let data0 = data[0];const _errs3 = errors;if(!(((((((((data0 === "kind") || (data0 === "level")) || (data0 === "recipients")) || (data0 === "enabled")) || (data0 === "hide_zero_usage")) || (data0 === "show_skus")) || (data0 === "tenant")) || (data0 === "result_action")) || (data0 === "formats"))){const err2 = {instancePath:instancePath+"/0",schemaPath:"#/definitions/field/enum",keyword:"enum",params:{allowedValues: record_validator_schema13.enum},message:"must be equal to one of the allowed values"};if(vErrors === null){vErrors = [err2];}else {vErrors.push(err2);}errors++;}var valid1 = _errs3 === errors;}if(valid1){if(len0 > 1){let data1 = data[1];const _errs5 = errors;const _errs7 = errors;let valid4 = false;const _errs8 = errors;if(data1 !== null){const err3 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/0/type",keyword:"type",params:{type: "null"},message:"must be null"};if(vErrors === null){vErrors = [err3];}else {vErrors.push(err3);}errors++;}var _valid1 = _errs8 === errors;valid4 = valid4 || _valid1;if(!valid4){const _errs10 = errors;if(typeof data1 !== "string"){const err4 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err4];}else {vErrors.push(err4);}errors++;}var _valid1 = _errs10 === errors;valid4 = valid4 || _valid1;if(!valid4){const _errs12 = errors;if(typeof data1 !== "boolean"){const err5 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/2/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};if(vErrors === null){vErrors = [err5];}else {vErrors.push(err5);}errors++;}var _valid1 = _errs12 === errors;valid4 = valid4 || _valid1;if(!valid4){const _errs14 = errors;if(errors === _errs14){if(Array.isArray(data1)){var valid5 = true;const len1 = data1.length;for(let i0=0; i0<len1; i0++){const _errs16 = errors;if(typeof data1[i0] !== "string"){const err6 = {instancePath:instancePath+"/1/" + i0,schemaPath:"#/definitions/shown/anyOf/3/items/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err6];}else {vErrors.push(err6);}errors++;}var valid5 = _errs16 === errors;if(!valid5){break;}}}else {const err7 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/3/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err7];}else {vErrors.push(err7);}errors++;}}var _valid1 = _errs14 === errors;valid4 = valid4 || _valid1;}}}if(!valid4){const err8 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};if(vErrors === null){vErrors = [err8];}else {vErrors.push(err8);}errors++;}else {errors = _errs7;if(vErrors !== null){if(_errs7){vErrors.length = _errs7;}else {vErrors = null;}}}var valid1 = _errs5 === errors;}if(valid1){if(len0 > 2){let data3 = data[2];const _errs18 = errors;const _errs20 = errors;let valid7 = false;const _errs21 = errors;if(data3 !== null){const err9 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/0/type",keyword:"type",params:{type: "null"},message:"must be null"};if(vErrors === null){vErrors = [err9];}else {vErrors.push(err9);}errors++;}var _valid2 = _errs21 === errors;valid7 = valid7 || _valid2;if(!valid7){const _errs23 = errors;if(typeof data3 !== "string"){const err10 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err10];}else {vErrors.push(err10);}errors++;}var _valid2 = _errs23 === errors;valid7 = valid7 || _valid2;if(!valid7){const _errs25 = errors;if(typeof data3 !== "boolean"){const err11 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/2/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};if(vErrors === null){vErrors = [err11];}else {vErrors.push(err11);}errors++;}var _valid2 = _errs25 === errors;valid7 = valid7 || _valid2;if(!valid7){const _errs27 = errors;if(errors === _errs27){if(Array.isArray(data3)){var valid8 = true;const len2 = data3.length;for(let i1=0; i1<len2; i1++){const _errs29 = errors;if(typeof data3[i1] !== "string"){const err12 = {instancePath:instancePath+"/2/" + i1,schemaPath:"#/definitions/shown/anyOf/3/items/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err12];}else {vErrors.push(err12);}errors++;}var valid8 = _errs29 === errors;if(!valid8){break;}}}else {const err13 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/3/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err13];}else {vErrors.push(err13);}errors++;}}var _valid2 = _errs27 === errors;valid7 = valid7 || _valid2;}}}if(!valid7){const err14 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};if(vErrors === null){vErrors = [err14];}else {vErrors.push(err14);}errors++;}else {errors = _errs20;if(vErrors !== null){if(_errs20){vErrors.length = _errs20;}else {vErrors = null;}}}var valid1 = _errs18 === errors;}}}}}}else {const err15 = {instancePath,schemaPath:"#/anyOf/0/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err15];}else {vErrors.push(err15);}errors++;}}var _valid0 = _errs1 === errors;valid0 = valid0 || _valid0;if(!valid0){const _errs31 = errors;if(errors === _errs31){if(Array.isArray(data)){if(data.length > 5){const err16 = {instancePath,schemaPath:"#/anyOf/1/maxItems",keyword:"maxItems",params:{limit: 5},message:"must NOT have more than 5 items"};if(vErrors === null){vErrors = [err16];}else {vErrors.push(err16);}errors++;}else {if(data.length < 5){const err17 = {instancePath,schemaPath:"#/anyOf/1/minItems",keyword:"minItems",params:{limit: 5},message:"must NOT have fewer than 5 items"};if(vErrors === null){vErrors = [err17];}else {vErrors.push(err17);}errors++;}else {const len3 = data.length;if(len3 > 0){const _errs33 = errors;if("recipients" !== data[0]){const err18 = {instancePath:instancePath+"/0",schemaPath:"#/anyOf/1/items/0/const",keyword:"const",params:{allowedValue: "recipients"},message:"must be equal to constant"};if(vErrors === null){vErrors = [err18];}else {vErrors.push(err18);}errors++;}var valid9 = _errs33 === errors;}if(valid9){if(len3 > 1){let data6 = data[1];const _errs34 = errors;const _errs36 = errors;let valid11 = false;const _errs37 = errors;if(data6 !== null){const err19 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/0/type",keyword:"type",params:{type: "null"},message:"must be null"};if(vErrors === null){vErrors = [err19];}else {vErrors.push(err19);}errors++;}var _valid3 = _errs37 === errors;valid11 = valid11 || _valid3;if(!valid11){const _errs39 = errors;if(typeof data6 !== "string"){const err20 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err20];}else {vErrors.push(err20);}errors++;}var _valid3 = _errs39 === errors;valid11 = valid11 || _valid3;if(!valid11){const _errs41 = errors;if(typeof data6 !== "boolean"){const err21 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/2/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};if(vErrors === null){vErrors = [err21];}else {vErrors.push(err21);}errors++;}var _valid3 = _errs41 === errors;valid11 = valid11 || _valid3;if(!valid11){const _errs43 = errors;if(errors === _errs43){if(Array.isArray(data6)){var valid12 = true;const len4 = data6.length;for(let i2=0; i2<len4; i2++){const _errs45 = errors;if(typeof data6[i2] !== "string"){const err22 = {instancePath:instancePath+"/1/" + i2,schemaPath:"#/definitions/shown/anyOf/3/items/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err22];}else {vErrors.push(err22);}errors++;}var valid12 = _errs45 === errors;if(!valid12){break;}}}else {const err23 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf/3/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err23];}else {vErrors.push(err23);}errors++;}}var _valid3 = _errs43 === errors;valid11 = valid11 || _valid3;}}}if(!valid11){const err24 = {instancePath:instancePath+"/1",schemaPath:"#/definitions/shown/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};if(vErrors === null){vErrors = [err24];}else {vErrors.push(err24);}errors++;}else {errors = _errs36;if(vErrors !== null){if(_errs36){vErrors.length = _errs36;}else {vErrors = null;}}}var valid9 = _errs34 === errors;}if(valid9){if(len3 > 2){let data8 = data[2];const _errs47 = errors;const _errs49 = errors;let valid14 = false;const _errs50 = errors;if(data8 !== null){const err25 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/0/type",keyword:"type",params:{type: "null"},message:"must be null"};if(vErrors === null){vErrors = [err25];}else {vErrors.push(err25);}errors++;}var _valid4 = _errs50 === errors;valid14 = valid14 || _valid4;if(!valid14){const _errs52 = errors;if(typeof data8 !== "string"){const err26 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/1/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err26];}else {vErrors.push(err26);}errors++;}var _valid4 = _errs52 === errors;valid14 = valid14 || _valid4;if(!valid14){const _errs54 = errors;if(typeof data8 !== "boolean"){const err27 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/2/type",keyword:"type",params:{type: "boolean"},message:"must be boolean"};if(vErrors === null){vErrors = [err27];}else {vErrors.push(err27);}errors++;}var _valid4 = _errs54 === errors;valid14 = valid14 || _valid4;if(!valid14){const _errs56 = errors;if(errors === _errs56){if(Array.isArray(data8)){var valid15 = true;const len5 = data8.length;for(let i3=0; i3<len5; i3++){const _errs58 = errors;if(typeof data8[i3] !== "string"){const err28 = {instancePath:instancePath+"/2/" + i3,schemaPath:"#/definitions/shown/anyOf/3/items/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err28];}else {vErrors.push(err28);}errors++;}var valid15 = _errs58 === errors;if(!valid15){break;}}}else {const err29 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf/3/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err29];}else {vErrors.push(err29);}errors++;}}var _valid4 = _errs56 === errors;valid14 = valid14 || _valid4;}}}if(!valid14){const err30 = {instancePath:instancePath+"/2",schemaPath:"#/definitions/shown/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};if(vErrors === null){vErrors = [err30];}else {vErrors.push(err30);}errors++;}else {errors = _errs49;if(vErrors !== null){if(_errs49){vErrors.length = _errs49;}else {vErrors = null;}}}var valid9 = _errs47 === errors;}if(valid9){if(len3 > 3){let data10 = data[3];const _errs60 = errors;const _errs61 = errors;if(errors === _errs61){if(Array.isArray(data10)){var valid17 = true;const len6 = data10.length;for(let i4=0; i4<len6; i4++){const _errs63 = errors;if(typeof data10[i4] !== "string"){const err31 = {instancePath:instancePath+"/3/" + i4,schemaPath:"#/definitions/ids/items/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err31];}else {vErrors.push(err31);}errors++;}var valid17 = _errs63 === errors;if(!valid17){break;}}}else {const err32 = {instancePath:instancePath+"/3",schemaPath:"#/definitions/ids/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err32];}else {vErrors.push(err32);}errors++;}}var valid9 = _errs60 === errors;}if(valid9){if(len3 > 4){let data12 = data[4];const _errs65 = errors;const _errs66 = errors;if(errors === _errs66){if(Array.isArray(data12)){var valid19 = true;const len7 = data12.length;for(let i5=0; i5<len7; i5++){const _errs68 = errors;if(typeof data12[i5] !== "string"){const err33 = {instancePath:instancePath+"/4/" + i5,schemaPath:"#/definitions/ids/items/type",keyword:"type",params:{type: "string"},message:"must be string"};if(vErrors === null){vErrors = [err33];}else {vErrors.push(err33);}errors++;}var valid19 = _errs68 === errors;if(!valid19){break;}}}else {const err34 = {instancePath:instancePath+"/4",schemaPath:"#/definitions/ids/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err34];}else {vErrors.push(err34);}errors++;}}var valid9 = _errs65 === errors;}}}}}}}}else {const err35 = {instancePath,schemaPath:"#/anyOf/1/type",keyword:"type",params:{type: "array"},message:"must be array"};if(vErrors === null){vErrors = [err35];}else {vErrors.push(err35);}errors++;}}var _valid0 = _errs31 === errors;valid0 = valid0 || _valid0;}if(!valid0){const err36 = {instancePath,schemaPath:"#/anyOf",keyword:"anyOf",params:{},message:"must match a schema in anyOf"};if(vErrors === null){vErrors = [err36];}else {vErrors.push(err36);}errors++;record_validator_validate11.errors = vErrors;return false;}else {errors = _errs0;if(vErrors !== null){if(_errs0){vErrors.length = _errs0;}else {vErrors = null;}}}record_validator_validate11.errors = vErrors;return errors === 0;}function record_validator_validate10(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){/*# sourceURL="https://github.com/acronis-report-sync/acronis-report-sync/schema/reviewed-record.json" */;let vErrors = null;let errors = 0;if(errors === 0){if(data && typeof data == "object" && !Array.isArray(data)){let missing0;if((((((((((data.v === undefined) && (missing0 = "v")) || ((data.repo === undefined) && (missing0 = "repo"))) || ((data.pr === undefined) && (missing0 = "pr"))) || ((data.sha === undefined) && (missing0 = "sha"))) || ((data.config === undefined) && (missing0 = "config"))) || ((data.full === undefined) && (missing0 = "full"))) || ((data.digests === undefined) && (missing0 = "digests"))) || ((data.digestLength === undefined) && (missing0 = "digestLength"))) || ((data.unrecorded === undefined) && (missing0 = "unrecorded"))){record_validator_validate10.errors = [{instancePath,schemaPath:"#/required",keyword:"required",params:{missingProperty: missing0},message:"must have required property '"+missing0+"'"}];return false;}else {const _errs1 = errors;for(const key0 in data){if(!(record_validator_func2.call(record_validator_schema11.properties, key0))){record_validator_validate10.errors = [{instancePath,schemaPath:"#/additionalProperties",keyword:"additionalProperties",params:{additionalProperty: key0},message:"must NOT have additional properties"}];return false;break;}}if(_errs1 === errors){if(data.v !== undefined){const _errs2 = errors;if(2 !== data.v){record_validator_validate10.errors = [{instancePath:instancePath+"/v",schemaPath:"#/properties/v/const",keyword:"const",params:{allowedValue: 2},message:"must be equal to constant"}];return false;}var valid0 = _errs2 === errors;}else {var valid0 = true;}if(valid0){if(data.repo !== undefined){let data1 = data.repo;const _errs3 = errors;if(errors === _errs3){if(typeof data1 === "string"){if(data1.length > 256){record_validator_validate10.errors = [{instancePath:instancePath+"/repo",schemaPath:"#/properties/repo/maxLength",keyword:"maxLength",params:{limit: 256},message:"must NOT have more than 256 characters"}];return false;}else {if(data1.length < 1){record_validator_validate10.errors = [{instancePath:instancePath+"/repo",schemaPath:"#/properties/repo/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];return false;}}}else {record_validator_validate10.errors = [{instancePath:instancePath+"/repo",schemaPath:"#/properties/repo/type",keyword:"type",params:{type: "string"},message:"must be string"}];return false;}}var valid0 = _errs3 === errors;}else {var valid0 = true;}if(valid0){if(data.pr !== undefined){let data2 = data.pr;const _errs5 = errors;if(!(((typeof data2 == "number") && (!(data2 % 1) && !isNaN(data2))) && (isFinite(data2)))){record_validator_validate10.errors = [{instancePath:instancePath+"/pr",schemaPath:"#/properties/pr/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];return false;}if(errors === _errs5){if((typeof data2 == "number") && (isFinite(data2))){if(data2 < 1 || isNaN(data2)){record_validator_validate10.errors = [{instancePath:instancePath+"/pr",schemaPath:"#/properties/pr/minimum",keyword:"minimum",params:{comparison: ">=", limit: 1},message:"must be >= 1"}];return false;}}}var valid0 = _errs5 === errors;}else {var valid0 = true;}if(valid0){if(data.sha !== undefined){let data3 = data.sha;const _errs7 = errors;if(errors === _errs7){if(typeof data3 === "string"){if(!record_validator_pattern0.test(data3)){record_validator_validate10.errors = [{instancePath:instancePath+"/sha",schemaPath:"#/properties/sha/pattern",keyword:"pattern",params:{pattern: "^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$"},message:"must match pattern \""+"^[0-9a-fA-F]{40}([0-9a-fA-F]{24})?$"+"\""}];return false;}}else {record_validator_validate10.errors = [{instancePath:instancePath+"/sha",schemaPath:"#/properties/sha/type",keyword:"type",params:{type: "string"},message:"must be string"}];return false;}}var valid0 = _errs7 === errors;}else {var valid0 = true;}if(valid0){if(data.config !== undefined){let data4 = data.config;const _errs9 = errors;if(errors === _errs9){if(typeof data4 === "string"){if(data4.length > 4096){record_validator_validate10.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/maxLength",keyword:"maxLength",params:{limit: 4096},message:"must NOT have more than 4096 characters"}];return false;}else {if(data4.length < 1){record_validator_validate10.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/minLength",keyword:"minLength",params:{limit: 1},message:"must NOT have fewer than 1 characters"}];return false;}}}else {record_validator_validate10.errors = [{instancePath:instancePath+"/config",schemaPath:"#/properties/config/type",keyword:"type",params:{type: "string"},message:"must be string"}];return false;}}var valid0 = _errs9 === errors;}else {var valid0 = true;}if(valid0){if(data.full !== undefined){let data5 = data.full;const _errs11 = errors;if(errors === _errs11){if(data5 && typeof data5 == "object" && !Array.isArray(data5)){for(const key1 in data5){let data6 = data5[key1];const _errs14 = errors;if(errors === _errs14){if(Array.isArray(data6)){var valid2 = true;const len0 = data6.length;for(let i0=0; i0<len0; i0++){const _errs16 = errors;if(!(record_validator_validate11(data6[i0], {instancePath:instancePath+"/full/" + key1.replace(/~/g, "~0").replace(/\//g, "~1")+"/" + i0,parentData:data6,parentDataProperty:i0,rootData}))){vErrors = vErrors === null ? record_validator_validate11.errors : vErrors.concat(record_validator_validate11.errors);errors = vErrors.length;}var valid2 = _errs16 === errors;if(!valid2){break;}}}else {record_validator_validate10.errors = [{instancePath:instancePath+"/full/" + key1.replace(/~/g, "~0").replace(/\//g, "~1"),schemaPath:"#/properties/full/additionalProperties/type",keyword:"type",params:{type: "array"},message:"must be array"}];return false;}}var valid1 = _errs14 === errors;if(!valid1){break;}}}else {record_validator_validate10.errors = [{instancePath:instancePath+"/full",schemaPath:"#/properties/full/type",keyword:"type",params:{type: "object"},message:"must be object"}];return false;}}var valid0 = _errs11 === errors;}else {var valid0 = true;}if(valid0){if(data.digests !== undefined){let data8 = data.digests;const _errs17 = errors;if(errors === _errs17){if(typeof data8 === "string"){if(!pattern1.test(data8)){record_validator_validate10.errors = [{instancePath:instancePath+"/digests",schemaPath:"#/properties/digests/pattern",keyword:"pattern",params:{pattern: "^([A-Za-z0-9_-]{16})*$"},message:"must match pattern \""+"^([A-Za-z0-9_-]{16})*$"+"\""}];return false;}}else {record_validator_validate10.errors = [{instancePath:instancePath+"/digests",schemaPath:"#/properties/digests/type",keyword:"type",params:{type: "string"},message:"must be string"}];return false;}}var valid0 = _errs17 === errors;}else {var valid0 = true;}if(valid0){if(data.digestLength !== undefined){const _errs19 = errors;if(16 !== data.digestLength){record_validator_validate10.errors = [{instancePath:instancePath+"/digestLength",schemaPath:"#/properties/digestLength/const",keyword:"const",params:{allowedValue: 16},message:"must be equal to constant"}];return false;}var valid0 = _errs19 === errors;}else {var valid0 = true;}if(valid0){if(data.unrecorded !== undefined){let data10 = data.unrecorded;const _errs20 = errors;if(!(((typeof data10 == "number") && (!(data10 % 1) && !isNaN(data10))) && (isFinite(data10)))){record_validator_validate10.errors = [{instancePath:instancePath+"/unrecorded",schemaPath:"#/properties/unrecorded/type",keyword:"type",params:{type: "integer"},message:"must be integer"}];return false;}if(errors === _errs20){if((typeof data10 == "number") && (isFinite(data10))){if(data10 < 0 || isNaN(data10)){record_validator_validate10.errors = [{instancePath:instancePath+"/unrecorded",schemaPath:"#/properties/unrecorded/minimum",keyword:"minimum",params:{comparison: ">=", limit: 0},message:"must be >= 0"}];return false;}}}var valid0 = _errs20 === errors;}else {var valid0 = true;}}}}}}}}}}}}else {record_validator_validate10.errors = [{instancePath,schemaPath:"#/type",keyword:"type",params:{type: "object"},message:"must be object"}];return false;}}record_validator_validate10.errors = vErrors;return errors === 0;}

;// CONCATENATED MODULE: ./src/review/record.ts




// What you review is what is applied: the plan a pull request showed is recorded in its comment, and
// the apply after the merge checks its fresh plan against it. The record's one home: the comment's
// markers, the hidden block (JSON, keys, MAC, schema) and an apply's heading, written and read here.
/** Hidden marker that finds our comment again; the config path keeps two configs' comments apart. */
function commentMarker(config) {
    return `<!-- acronis-report-sync: ${config.replace(/--/g, '-')} -->`;
}
/** Where the plan part of the comment starts: an apply's outcome goes above it, the plan stays. */
const PLAN_START = '<!-- acronis-report-sync:plan -->';
/** The plan part of a plan comment, kept below the outcome an apply writes above it. */
function planPart(body, config) {
    const start = body.indexOf(PLAN_START);
    return start >= 0 ? body.slice(start) : body.replace(commentMarker(config), '').trimStart();
}
/** The heading of an apply's outcome, which recordsCompletedApply reads back: "Applied in run 5: \u2026". */
function appliedHeading(applied, at, words, c) {
    const where = `${at.with !== undefined ? ` with #${at.with}` : ''} in ${at.run}${at.commit ? ` at ${at.commit.slice(0, 7)}` : ''}`;
    return `### ${applied ? 'Applied' : 'Nothing applied'}${where}: ${words.join(', ')}, ${c.held} held, ${c.failed} failed`;
}
const APPLIED = /^### Applied (?:with #\d+ )?in .*: \d+ updated, (?:\d+ created, )?(?:\d+ deleted, )?\d+ held, (\d+) failed$/m;
/**
 * Whether a plan comment records a completed apply: the outcome an apply wrote at its top says it
 * applied (not that max-changes stopped it) and that no report failed. Held reports do not count
 * against it: applying them takes a new review, not another run.
 */
function recordsCompletedApply(body) {
    const start = body.indexOf(PLAN_START);
    const m = APPLIED.exec(start >= 0 ? body.slice(0, start) : body);
    return m !== null && m[1] === '0';
}
const rowOf = (c) => c.ids ? [c.field, c.from, c.to, c.ids.from, c.ids.to] : [c.field, c.from, c.to];
const changeOf = ([field, from, to, idsFrom, idsTo]) => idsFrom && idsTo ? { field, from, to, ids: { from: idsFrom, to: idsTo } } : { field, from, to };
function recordKeys(clientSecret) {
    const derive = (label) => Buffer.from(hkdfSync('sha256', clientSecret, 'acronis-report-sync', `reviewed plan record v2: ${label}`, 32));
    return { mac: derive('mac'), digest: derive('change digest') };
}
/** The keys of a run with client credentials; undefined with a given token (no secret to derive them from). */
function recordKeysOf(credentials) {
    return 'clientSecret' in credentials ? recordKeys(credentials.clientSecret) : undefined;
}
/** What a reviewed plan records: the writes a merge would make. */
const WRITES = (/* unused pure expression or super */ null && (['would-update', 'create', 'delete']));
const BLOCK_START = '<!-- acronis-report-sync:reviewed ';
/** The record's JSON, then its MAC (base64url HMAC-SHA256), or `unsigned` when the run had no client secret. */
const BLOCK = /<!-- acronis-report-sync:reviewed (\{.*?\}) ([\w-]{43}|unsigned) -->/g;
/** Domain separation: this MAC is of a reviewed-plan record and nothing else. */
const MAC_LABEL = 'acronis-report-sync reviewed plan record v2\n';
/**
 * A digest is 16 base64url characters (96 bits), keyed with a key only the action holds; even unkeyed
 * (a run with a given token), matching one of 10,000 by trying live values offline takes ~2^83 tries.
 */
const DIGEST_CHARS = 16;
const macOf = (key, json) => createHmac('sha256', key)
    .update(MAC_LABEL + json)
    .digest('base64url');
/** A report's id and changes as one string: what a digest is made of, and how two plans are compared. */
const canonical = (id, changes) => JSON.stringify([id.toLowerCase(), changes.map(rowOf)]);
/**
 * A truncated HMAC-SHA256 of a report's id and its changes (a plain SHA-256 without a key): tells
 * whether the changes moved, in a few bytes, and cannot be matched by someone without the key.
 */
function changeDigest(id, changes, length, key) {
    const hash = key ? (0,external_node_crypto_namespaceObject.createHmac)('sha256', key) : (0,external_node_crypto_namespaceObject.createHash)('sha256');
    return hash.update(canonical(id, changes)).digest('base64url').slice(0, length);
}
/**
 * The reviewed plan as a hidden block of at most `budget` characters: every report that would be
 * updated, with its full changes while they fit (a held report can then show what was reviewed), and
 * a digest for each of the others. `unrecorded` counts what did not fit even as a digest.
 */
function recordReviewedPlan(outcomes, binding, keys, budget) {
    // Creates are keyed by their entry (they have no id yet), deletes by id with the live values they remove.
    const pending = outcomes.filter((o) => WRITES.includes(o.status));
    const data = {
        v: 2,
        repo: binding.repository,
        pr: binding.pullRequest,
        sha: binding.head,
        config: binding.config,
        full: {},
        digests: '',
        digestLength: DIGEST_CHARS,
        unrecorded: 0,
    };
    // The keys, the binding, the MAC and the closing.
    const room = budget - BLOCK_START.length - 300 - binding.repository.length - binding.config.length;
    let used = 0;
    let i = 0;
    for (; i < pending.length; i++) {
        const o = pending[i];
        const size = canonical(reviewKey(o), o.changes).length;
        // In full only while the digests of every report after this one still fit.
        if (used + size + (pending.length - i - 1) * DIGEST_CHARS > room)
            break;
        data.full[reviewKey(o)] = o.changes.map(rowOf);
        used += size;
    }
    const rest = pending.slice(i);
    if (rest.length) {
        const fit = Math.min(rest.length, Math.max(0, Math.floor((room - used) / DIGEST_CHARS)));
        data.digests = rest
            .slice(0, fit)
            .map((o) => changeDigest(reviewKey(o), o.changes, DIGEST_CHARS, keys?.digest))
            .join('');
        data.unrecorded = rest.length - fit;
    }
    // JSON with < and > escaped: nothing in it can end the HTML comment that hides it.
    const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
    const mac = keys ? macOf(keys.mac, json) : 'unsigned';
    return { block: `${BLOCK_START}${json} ${mac} -->`, unrecorded: data.unrecorded };
}
/**
 * Whether a comment's body holds exactly one record whose MAC verifies with `keys`: a record this
 * action wrote (for any head), so the comment is its own to edit. Without keys, nothing verifies.
 */
function holdsOwnRecord(body, keys) {
    const blocks = [...body.matchAll(BLOCK)];
    if (!keys || blocks.length !== 1)
        return false;
    const [, json, mac] = blocks[0];
    const want = Buffer.from(macOf(keys.mac, json));
    return mac.length === want.length && timingSafeEqual(Buffer.from(mac), want);
}
/** Why a record whose MAC does not verify is no reviewed plan. */
const UNVERIFIED = 'the recorded plan does not verify (not written by this action with this client secret, or edited since)';
/** A reviewed plan that cannot be read: the apply then counts it as not found, with this reason. */
class ReviewedPlanError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ReviewedPlanError';
    }
}
/**
 * The reviewed plan recorded in a plan comment's body for `binding`; undefined when it carries none.
 * With `keys` (a run with the client secret) its MAC must verify: a record anyone else wrote or
 * edited, or one for another repository, pull request, head or config, is a ReviewedPlanError. Without
 * keys (a given token) the caller trusts it as far as the comment's author. Two records: refused.
 */
function readReviewedPlan(body, binding, keys) {
    const blocks = [...body.matchAll(BLOCK)];
    if (!blocks.length) {
        if (body.includes(BLOCK_START))
            throw new ReviewedPlanError('the recorded plan is malformed');
        return undefined;
    }
    if (blocks.length > 1)
        throw new ReviewedPlanError('the comment holds more than one recorded plan');
    const [, json] = blocks[0];
    if (keys && !holdsOwnRecord(body, keys))
        throw new ReviewedPlanError(UNVERIFIED);
    let d;
    try {
        d = JSON.parse(json);
    }
    catch {
        throw new ReviewedPlanError('the recorded plan is not JSON');
    }
    if (!isObject(d) || d.v !== 2)
        throw new ReviewedPlanError('the recorded plan has an unknown version');
    // The shape, checked whole by the validator scripts/build.mjs compiles from schema/reviewed-record.json.
    if (!validRecord(d))
        throw new ReviewedPlanError('the recorded plan is malformed');
    const { sha, full, digests, digestLength: length, unrecorded } = d;
    if (d.repo.toLowerCase() !== binding.repository.toLowerCase() ||
        d.pr !== binding.pullRequest ||
        d.config !== binding.config)
        throw new ReviewedPlanError('the recorded plan is for another repository, pull request or config');
    if (sha.toLowerCase() !== binding.head.toLowerCase())
        throw new ReviewedPlanError(`the recorded plan is of commit ${sha.slice(0, 7)}, not of the pull request's final head ${binding.head.slice(0, 7)} (a later push was not planned)`);
    const changes = new Map();
    for (const [id, rows] of Object.entries(full))
        changes.set(id.toLowerCase(), rows.map(changeOf));
    const set = new Set();
    for (let i = 0; i < digests.length; i += length)
        set.add(digests.slice(i, i + length));
    return {
        changes,
        digests: set,
        digestLength: length,
        complete: set.size === 0 && unrecorded === 0,
        sha,
        digestKey: keys?.digest,
    };
}

;// CONCATENATED MODULE: ./src/review/check.ts



/**
 * A reviewed plan from the `plan` output of the action or `plan --json`: a JSON array of entries
 * `{id, status, changes}`; those with status `update` are what was reviewed.
 */
function reviewedFromEntries(value) {
    if (!Array.isArray(value))
        throw new ReviewedPlanError('expected a JSON array of {id, status, changes}');
    const changes = new Map();
    value.forEach((e, i) => {
        const ok = is_object_isObject(e) && typeof e.id === 'string' && typeof e.status === 'string' && Array.isArray(e.changes);
        if (!ok)
            throw new ReviewedPlanError(`entry ${i}: expected {id, status, changes}`);
        if (e.status !== 'update' && e.status !== 'create' && e.status !== 'delete')
            return;
        const key = run_reviewKey({ id: e.id, entry: typeof e.entry === 'number' ? e.entry : undefined });
        const rows = e.changes.map((c) => !is_object_isObject(c)
            ? undefined
            : is_object_isObject(c.ids)
                ? [c.field, c.from, c.to, c.ids.from, c.ids.to]
                : [c.field, c.from, c.to]);
        if (!rows.every(isRow))
            throw new ReviewedPlanError(`entry ${i}: a change is not {field, from, to}`);
        changes.set(key, rows.map(changeOf));
    });
    return { changes, digests: new Set(), digestLength: DIGEST_CHARS, complete: true };
}
/**
 * The check an apply makes before each write, against the reviewed plans not yet applied, oldest
 * first: the newest plan that lists the report decides (the same changes are written, others held
 * with what it reviewed); a plan that kept only digests says yes when one matches and otherwise
 * leaves the report to older plans; a report none lists was reviewed as unchanged, and is held.
 * Without a reviewed plan (reviewed-plan: require and none found) every write is held.
 */
const DIFFERS = 'differs from the reviewed plan';
const NONE = 'no reviewed plan was found, and reviewed-plan is require';
function reviewCheck(plans) {
    const newestFirst = [...(plans ?? [])].reverse();
    return (id, changes) => {
        if (!newestFirst.length)
            return { error: NONE };
        const key = id.toLowerCase();
        for (const plan of newestFirst) {
            const reviewed = plan.changes.get(key);
            if (reviewed) {
                const same = canonical(key, reviewed) === canonical(key, changes);
                return same ? undefined : { error: DIFFERS, reviewed: [...reviewed] };
            }
            if (plan.digests.size &&
                plan.digests.has(changeDigest(key, changes, plan.digestLength, plan.digestKey)))
                return undefined;
        }
        return { error: DIFFERS, reviewed: newestFirst.every((p) => p.complete) ? [] : null };
    };
}
function isShown(v) {
    return (v === null ||
        typeof v === 'string' ||
        typeof v === 'boolean' ||
        (Array.isArray(v) && v.every((x) => typeof x === 'string')));
}
const isIds = (v) => Array.isArray(v) && v.every((x) => typeof x === 'string');
function isRow(v) {
    return (Array.isArray(v) &&
        (v.length === 3 || (v.length === 5 && v[0] === 'recipients' && isIds(v[3]) && isIds(v[4]))) &&
        [...FIELDS, ...IMMUTABLE_FIELDS].includes(v[0]) &&
        isShown(v[1]) &&
        isShown(v[2]));
}

;// CONCATENATED MODULE: ./src/engine/execute.ts











/**
 * desired config \u2192 live state \u2192 plan \u2192 apply: everything but showing the result. With `reviewed`, an
 * apply holds every write that differs from the reviewed plan (all of them when `require` found none).
 */
async function execute(settings, config, io, reviewed) {
    const checked = reviewed && (reviewed.plans?.length || reviewed.review.policy === 'require');
    const review = checked ? reviewCheck(reviewed.plans) : undefined;
    let begun = false;
    try {
        return await withSession(settings, io, async (session) => {
            const resolved = await resolveRecipients(config, session.client, session.tenant, settings.concurrency);
            begun = true;
            return await planAndApply(session, config, resolved, reviewed, review);
        });
    }
    catch (e) {
        // The token or the recipients took the whole time limit: no report was attempted.
        if (!begun && e instanceof deadline_RunTimeoutError)
            return unattempted(settings, config, e.seconds);
        throw e;
    }
}
/** Plans every entry in the session, then (in apply mode) writes what max-changes, max-deletes and the review let through. */
async function planAndApply({ settings, io, client, tenant }, config, { reports, creates }, reviewed, review) {
    // The file's tenant, when it names one, is the tenant whose undeclared reports are counted.
    const fileTenant = config.tenant ? () => Promise.resolve(config.tenant) : tenant;
    const declared = [...config.reports, ...config.deletes].map((r) => r.id);
    const write = settings.mode === 'apply';
    // Creates and deletes are planned before anything is written: max-changes and max-deletes count them.
    const candidates = new Candidates(client, new Set(declared), settings.concurrency);
    const [deletes, made] = await Promise.all([
        planDeletes(config.deletes, client, settings.concurrency),
        mapLimit(creates, settings.concurrency, async (r) => planCreate(r, r.tenant ?? config.tenant ?? (await tenant().catch(() => undefined)), candidates)),
    ]);
    const toDelete = execute_writable(deletes, write, review);
    const toCreate = execute_writable(made, write, review);
    const maxDeletes = limitFor(settings.maxDeletes, declared.length, write);
    const overMaxDeletes = maxDeletes !== undefined && toDelete.send.length > maxDeletes
        ? { count: toDelete.send.length, limit: maxDeletes }
        : undefined;
    const maxChanges = limitFor(settings.maxChanges, declared.length, write);
    // allSettled, not all: a failed reconcile must not end the run while the listing is still in flight.
    const [reconciled, listed] = await Promise.allSettled([
        reconcile(reports, client, {
            write: write && !overMaxDeletes,
            concurrency: settings.concurrency,
            maxChanges,
            otherChanges: toDelete.send.length + toCreate.send.length,
            review,
            onOutcome: io.onOutcome,
        }),
        // Drift by omission is worth a line, not a failed run: a lookup that fails is a warning.
        fileTenant()
            .then((id) => (id ? undeclared(client, id, declared) : undefined))
            .catch((e) => {
            io.warning(`could not list the tenant's undeclared reports: ${describeError(e)}`);
            return undefined;
        }),
    ]);
    if (reconciled.status === 'rejected')
        throw reconciled.reason;
    const result = reconciled.value;
    const stopped = !!overMaxDeletes || !!result.overMaxChanges;
    // Deletes before creates: a replacement (a new entry, `state: absent` on the old) never has both at once.
    const deleted = await mapLimit(toDelete.send, settings.concurrency, (s) => stopped ? Promise.resolve(planned(s)) : sendDelete(s.r, s.live, client));
    const created = [];
    // One at a time: a create that lost its answer lists the tenant again, and must not find a sibling's.
    for (const s of toCreate.send) {
        const o = stopped ? planned(s) : await sendCreate(s, client, candidates);
        if (o.id)
            candidates.claim(o.id);
        created.push(o);
    }
    const outcomes = [...result.outcomes, ...toDelete.done, ...deleted, ...toCreate.done, ...created];
    // Every outcome where its entry is in the file.
    outcomes.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
    let unmanaged = listed.status === 'fulfilled' ? listed.value : undefined;
    if (unmanaged) {
        // Reports found or created for entries without id are the file's, even before the id is written.
        const mine = new Set(outcomes.filter((o) => o.entry !== undefined && o.id).map((o) => o.id.toLowerCase()));
        unmanaged = { ...unmanaged, ids: unmanaged.ids.filter((id) => !mine.has(id.toLowerCase())) };
    }
    return {
        mode: settings.mode,
        config: settings.configName,
        ...result,
        outcomes,
        ...(overMaxDeletes ? { overMaxDeletes } : {}),
        unmanaged,
        ...(reviewed && settings.mode === 'apply' ? { review: reviewed.review } : {}),
    };
}
/** The run's time limit came before any report was read (the token, the recipients): none was attempted. */
function unattempted(settings, config, seconds) {
    const error = new deadline_RunTimeoutError(seconds, { kind: 'not-attempted' }).message;
    return {
        mode: settings.mode,
        config: settings.configName,
        outcomes: config.reports.map((r) => ({
            id: r.id,
            name: r.name,
            status: 'failed',
            changes: [],
            error,
            at: r.at,
        })),
        runTimeout: { seconds, stopped: config.reports.length },
    };
}
/** max-changes or max-deletes as a count: a percentage is of the reports the file declares by id. */
function limitFor(m, declared, write) {
    if (!m || !write)
        return undefined;
    return 'count' in m ? m.count : Math.floor((declared * m.percent) / 100);
}
/**
 * Splits planned creates or deletes: finished ones (found, gone, failed; in a plan, every one as
 * `create` or `delete`; in an apply, those held by the reviewed plan) and those to send.
 */
function execute_writable(steps, write, review) {
    const done = [];
    const send = [];
    for (const s of steps) {
        if (s.kind === 'done')
            done.push(s.outcome);
        else if (!write)
            done.push(planned(s));
        else {
            const p = planned(s);
            const held = review?.(run_reviewKey(p), p.changes);
            if (held)
                done.push({ ...p, status: 'held', ...held });
            else
                send.push(s);
        }
    }
    return { done, send };
}
/** A create or delete not sent: what it would do. */
function planned(s) {
    if (s.kind === 'delete')
        return { ...base(s.r), status: 'delete', changes: deleteChanges(s.live) };
    return { ...newBase(s.r), status: 'create', changes: s.changes };
}

;// CONCATENATED MODULE: ./src/report/outputs.ts

const STATUS = {
    unchanged: 'unchanged',
    'would-update': 'update',
    updated: 'update',
    create: 'create',
    created: 'create',
    delete: 'delete',
    deleted: 'delete',
    held: 'held',
    failed: 'failed',
};
const outputs_plain = (changes) => changes.map(({ field, from, to, ids }) => (ids ? { field, from, to, ids } : { field, from, to }));
/** The `plan` output's entry for one report. */
function planEntry(o) {
    const entry = {
        id: o.id,
        name: o.name ?? null,
        status: STATUS[o.status],
        changes: outputs_plain(o.changes),
        error: o.error ?? null,
    };
    if (o.status === 'create')
        entry.entry = o.entry;
    if (o.note)
        entry.note = o.note;
    if (o.status === 'held')
        entry.reviewed = o.reviewed ? outputs_plain(o.reviewed) : null;
    return entry;
}
/**
 * The `plan` output, a JSON array of every report's entry, in parts of a few hundred entries: 10,000
 * reports make ~1.5 MB of JSON, which then never has to exist as one string (nor as 10,000 entries).
 */
function* planJsonParts(outcomes, perPart = 500) {
    yield '[';
    for (let i = 0; i < outcomes.length; i += perPart) {
        const json = JSON.stringify(outcomes.slice(i, i + perPart).map(planEntry));
        yield (i ? ',' : '') + json.slice(1, -1);
    }
    yield ']';
}
/** The step's outputs but `plan` (action.yml's names): counts, small enough to set as they are. */
function countOutputs(outcomes) {
    const c = countOutcomes(outcomes);
    return {
        changed: String(c.changed),
        unchanged: String(c.unchanged),
        failed: String(c.failed),
        held: String(c.held),
        created: String(c.created),
        deleted: String(c.deleted),
        'has-changes': String(changesAnything(c) || c.held > 0),
    };
}

;// CONCATENATED MODULE: ./src/report/format.ts

const STATUS_TEXT = {
    failed: '\u274c failed',
    'would-update': '\ud83d\udd04 will update',
    create: '\ud83c\udd95 will create',
    created: '\ud83c\udd95 created',
    delete: '\ud83d\uddd1\ufe0f **will delete**',
    deleted: '\ud83d\uddd1\ufe0f **deleted**',
    held: '\u23f8\ufe0f held',
    updated: '\u2705 updated',
    unchanged: '\u2714\ufe0f unchanged',
};
const ORDER = {
    delete: 0,
    deleted: 0,
    failed: 1,
    held: 2,
    'would-update': 3,
    updated: 3,
    create: 3,
    created: 3,
    unchanged: 4,
};
/**
 * Deletes first (what cannot be undone), then failures, held reports, changes, and the rest, each in
 * file order: what a reviewer must see survives truncation.
 */
function format_byImportance(outcomes) {
    // Array.prototype.sort is stable: equal ranks keep file order.
    return [...outcomes].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}
// What data may not do in Markdown, and how each is undone: HTML and the table's `|` become entities;
// so does the `]` of `](`, so no link or image (`[alice]` alone stays as it is: nothing defines a
// reference); a zero-width joiner (invisible) breaks a mention (`@name` where GitHub would see one,
// not inside an email address), an issue reference (`#12`) and an autolink (`https://`, `www.`).
const format_ZWJ = '\u200d';
const MARKUP = /[&<>|]|\](?=\()|\r\n?|\n|(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])|#(?=\d)|:\/\/|\bwww\./gi;
const HAS_MARKUP = new RegExp(MARKUP.source, 'i');
const ENTITY = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '|': '&#124;',
    ']': '&#93;',
};
function neutralise(m) {
    if (ENTITY[m])
        return ENTITY[m];
    if (m === '@' || m === '#')
        return m + format_ZWJ;
    if (m === '://')
        return `:${format_ZWJ}//`;
    if (m.length === 4)
        return `${m.slice(0, 3)}${format_ZWJ}.`; // www.
    return ' '; // a line break would end the table row
}
/**
 * Text from outside (names, ids, the API's words) inside Markdown, a table cell or a line: shown as
 * written, never as markup, a mention, a link or an image. core.summary does not escape.
 */
function format_cell(text) {
    // Most cells need nothing: they are returned as they are, without a copy, for every row of a large run.
    if (!HAS_MARKUP.test(text))
        return text;
    return text.replace(MARKUP, neutralise);
}
/**
 * Renders rows while they fit in `budget` characters, keeping room for the "N more omitted" line,
 * so output stays under GitHub's limits (1 MiB summary, 65,536-character comment) at any size.
 * Rows are rendered one at a time and only while they fit: 10,000 reports never exist as 10,000 rows.
 */
function format_fitRows(items, render, budget, omitted) {
    const out = [];
    let used = 0;
    const reserve = omitted(items.length).length + 1;
    for (let i = 0; i < items.length; i++) {
        const row = render(items[i]);
        if (used + row.length + 1 + (i < items.length - 1 ? reserve : 0) > budget) {
            out.push(omitted(items.length - i));
            return out;
        }
        out.push(row);
        used += row.length + 1;
    }
    return out;
}
/** One table row: the report (name and id), its status, and each change or the error. */
function format_reportRow(o) {
    const id = reportId(o);
    const title = o.name ? `${format_cell(o.name)}<br><sub>${format_cell(id)}</sub>` : format_cell(id);
    const detail = o.status === 'held'
        ? heldLines(o).map((line, i) => (i ? format_cell(line) : `**${format_cell(line)}**`))
        : [
            ...o.changes.map((ch) => format_cell(showChange(ch))),
            ...(o.note ? [`_${format_cell(o.note)}_`] : []),
            ...(o.error ? [`**${format_cell(o.error)}**`] : []),
        ];
    return `| ${title} | ${STATUS_TEXT[o.status]} | ${detail.join('<br>') || '\u2014'} |`;
}
/** A report's id as shown: a report not created (yet) has none. */
function reportId(o) {
    return o.id || 'new report';
}
/**
 * The counts of what changes, in words: "2 to update, 1 to create" for a plan (or a stopped apply),
 * "2 updated, 1 created" for an apply; creates and deletes only when there are some.
 */
function format_changeWords(c, planned) {
    const words = [`${c.changed} ${planned ? 'to update' : 'updated'}`];
    if (c.created)
        words.push(`${c.created} ${planned ? 'to create' : 'created'}`);
    if (c.deleted)
        words.push(`${c.deleted} ${planned ? 'to delete' : 'deleted'}`);
    return words;
}
/** What a held report shows everywhere: why, the plan now, and what was reviewed. */
function heldLines(o) {
    const reviewed = reviewedLine(o);
    return [
        o.error ?? 'held',
        ...o.changes.map((c) => `now: ${showChange(c)}`),
        ...(reviewed ? [reviewed] : []),
    ];
}
/** A held report's reviewed changes in words; undefined when there was no reviewed plan. */
function reviewedLine(o) {
    if (o.reviewed === null)
        return 'reviewed: only a digest was kept';
    if (o.reviewed)
        return o.reviewed.length ? `reviewed: ${showChanges(o.reviewed)}` : 'reviewed: unchanged';
    return undefined;
}
/**
 * How an apply was checked against the reviewed plans, a sentence a line: where they came from, what
 * came in between unreviewed, where looking back stopped. For Markdown (`markdown`: each source a
 * link, what came from outside escaped) or as plain text.
 */
function format_reviewLines(r, markdown = false) {
    const text = (t) => (markdown ? format_cell(t) : t);
    if (r.source) {
        // Sources are ours ("pull request #12", a file name); `missing` may quote GitHub's answer.
        const link = (s) => (markdown && s.url ? `[${s.source}](${s.url})` : s.source);
        const at = r.sha ? `, reviewed at ${r.sha.slice(0, 7)}` : '';
        const lines = [
            r.sources && r.sources.length > 1
                ? `Checked against the plans reviewed in ${listed(r.sources.map(link))}, which were not applied yet: for each report the newest plan that lists it decides, and a report whose changes differ is held, not written.`
                : `Checked against the plan reviewed in ${link({ source: r.source, url: r.url })}${at}: a report whose changes differ is held, not written.`,
        ];
        if (r.unreviewed?.length) {
            const shown = r.unreviewed.slice(0, MAX_UNREVIEWED);
            const more = r.unreviewed.length - shown.length;
            lines.push(`Not reviewed: ${text(shown.join('; '))}${more ? `; and ${more} more` : ''}. A change of theirs that no reviewed plan lists is held.`);
        }
        if (r.stopped)
            lines.push(`${text(r.stopped)}: what older changes no plan here lists is held.`);
        return lines;
    }
    const why = r.missing ? ` (${text(r.missing)})` : '';
    return [
        r.policy === 'require'
            ? `No reviewed plan found${why}: nothing was written, as reviewed-plan is require.`
            : `No reviewed plan found${why}: applied as planned now.`,
    ];
}
/** The most commits and pull requests named as not reviewed; the rest are counted. */
const MAX_UNREVIEWED = 10;
/** "a", "a and b", "a, b and c". */
function listed(items) {
    return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

;// CONCATENATED MODULE: ./src/report/summary.ts



/** GitHub refuses a step summary over 1 MiB; keep a margin for the heading and encoding. */
const SUMMARY_LIMIT_BYTES = (/* unused pure expression or super */ null && (1024 * 1024));
const ROW_BUDGET_CHARS = (/* unused pure expression or super */ null && (900 * 1024)); // rows may hold multi-byte characters: stay well inside the byte limit
/** The job summary: heading with mode and counts, why the step failed if it did, one row per declared report. */
function renderSummary(run, failure) {
    const c = countOutcomes(run.outcomes);
    const planned = run.mode === 'plan' || !!run.overMaxChanges || !!run.overMaxDeletes;
    const words = changeWords(c, planned).map((w) => w.replace(/^(\d+)/, '**$1**'));
    const lines = [
        `## Acronis report sync: ${run.mode}`,
        '',
        `${words.join(' \u00b7 ')} \u00b7 **${c.unchanged}** unchanged \u00b7 **${c.failed}** failed${c.held ? ` \u00b7 **${c.held}** held` : ''} \u2014 ${run.outcomes.length} declared in \`${cell(run.config)}\``,
        '',
    ];
    if (run.review)
        lines.push(...reviewLines(run.review, true).flatMap((l) => [l, '']));
    if (run.overMaxChanges) {
        lines.push(`> [!CAUTION]`, `> Nothing was written: the plan updates ${plural(run.overMaxChanges.count, 'report')} and max-changes allows ${run.overMaxChanges.limit}.`, '');
    }
    if (run.overMaxDeletes) {
        lines.push(`> [!CAUTION]`, `> Nothing was written: the plan deletes ${plural(run.overMaxDeletes.count, 'report')} and max-deletes allows ${run.overMaxDeletes.limit}.`, '');
    }
    if (failure)
        lines.push(summary_verdictLine(failure), '');
    if (run.outcomes.length) {
        lines.push('| Report | Status | Changes |', '| --- | --- | --- |');
        lines.push(...fitRows(byImportance(run.outcomes), reportRow, ROW_BUDGET_CHARS, (n) => `| \u2026 | ${n} more reports omitted | see the \`plan\` output |`));
    }
    if (run.unmanaged)
        lines.push('', unmanagedLine(run.unmanaged, cell));
    return lines.join('\n') + '\n';
}
/**
 * Drift by omission: reports of the tenant that the file does not declare. The tenant and the ids
 * come from the API: `show` escapes each for where the line goes (Markdown, a log, a terminal).
 */
function unmanagedLine(u, show) {
    const tenant = show(u.tenantId);
    if (!u.ids.length)
        return `Every report of tenant ${tenant} is declared.`;
    const shown = u.ids.slice(0, 20).map(show).join(', ');
    const more = u.ids.length > 20 ? ` and ${u.ids.length - 20} more` : '';
    return `${plural_plural(u.ids.length, 'report')} of tenant ${tenant} ${noun(u.ids.length, 'is', 'are')} not declared (listed, never changed): ${shown}${more}`;
}
/** Why the step failed, with the `failure-reason` a workflow can branch on. */
function summary_verdictLine(failure) {
    return `**The step failed** (\`failure-reason: ${failure.reason}\`): ${cell(failure.message)}`;
}
/**
 * The summary of a run stopped by configuration errors: every error, since annotations show only ten.
 * `done` says what did not happen: nothing sent (found offline) or nothing written (found by look-ups).
 */
function renderConfigErrors(errors, done) {
    const row = (e) => `| ${cell(e.file)}:${e.line}:${e.column} | ${e.code} | ${cell(e.message)} |`;
    return [
        `## Acronis report sync: configuration errors`,
        '',
        `**${plural(errors.length, 'problem')}** found; ${done}. \`failure-reason: config\``,
        '',
        '| Where | Code | Problem |',
        '| --- | --- | --- |',
        ...fitRows(errors, row, ROW_BUDGET_CHARS, (n) => `| \u2026 | | ${n} more errors omitted |`),
        '',
    ].join('\n');
}
/** The summary of a run that stopped before it had a plan: why, and what to check. */
function renderStopped(failure, hint, done) {
    return [
        `## Acronis report sync: failed`,
        '',
        summary_verdictLine(failure),
        '',
        ...(hint ? [`> [!TIP]`, `> ${cell(hint)}`, ''] : []),
        ...(done ? [`${done[0].toUpperCase()}${done.slice(1)}.`, ''] : []),
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/util/text-width.ts
/**
 * How many terminal cells a text takes, so columns line up: an emoji or a CJK character takes two, a
 * combining mark or a colour code none. Counted per grapheme (what a person sees as one character),
 * after Unicode's East Asian Width and emoji presentation rules, as terminals apply them.
 */
function displayWidth(text) {
    // eslint-disable-next-line no-control-regex
    const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
    if (/^[\x20-\x7e]*$/.test(plain))
        return plain.length;
    let width = 0;
    for (const { segment } of graphemes.segment(plain))
        width += clusterWidth(segment);
    return width;
}
/** `text` and the spaces that make it `width` cells wide (none when it is already wider). */
function padToWidth(text, width) {
    return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
function clusterWidth(cluster) {
    const first = cluster.codePointAt(0);
    if (first < 0x20 || (first >= 0x7f && first < 0xa0))
        return 0;
    // An emoji shown as an emoji: by default (\ud83d\udd04, \u2705), or asked for with U+FE0F (\u2714\ufe0f); a flag is two indicators.
    if (/\p{Extended_Pictographic}/u.test(cluster) &&
        (/\p{Emoji_Presentation}/u.test(cluster) || cluster.includes('\ufe0f')))
        return 2;
    if (/\p{Regional_Indicator}/u.test(cluster))
        return 2;
    if (WIDE.some(([from, to]) => first >= from && first <= to))
        return 2;
    // A cluster of marks alone (a combining accent, a zero-width space or joiner) takes no cell.
    if (/^[\p{Mn}\p{Me}\p{Cf}]+$/u.test(cluster))
        return 0;
    return 1;
}
/** East Asian Wide and Fullwidth ranges (UAX #11): Hangul, CJK, kana, fullwidth forms. */
const WIDE = [
    [0x1100, 0x115f],
    [0x2e80, 0x303e],
    [0x3041, 0x33ff],
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xa000, 0xa4cf],
    [0xac00, 0xd7a3],
    [0xf900, 0xfaff],
    [0xfe30, 0xfe4f],
    [0xff00, 0xff60],
    [0xffe0, 0xffe6],
    [0x20000, 0x3fffd],
];
/** `text` cut to at most `width` cells, ending in `\u2026` where it was cut (whole graphemes only). */
function truncateToWidth(text, width) {
    if (displayWidth(text) <= width)
        return text;
    if (width < 1)
        return '';
    let out = '';
    let used = 0;
    for (const { segment } of graphemes.segment(text)) {
        const w = clusterWidth(segment);
        if (used + w > width - 1)
            break;
        out += segment;
        used += w;
    }
    return out + '\u2026';
}
/** Prose broken at spaces into lines of at most `width` cells; a word wider than that keeps a line. */
function wrapToWidth(text, width) {
    if (displayWidth(text) <= width)
        return [text];
    const lines = [];
    let line;
    for (const word of text.split(' ')) {
        if (line === undefined)
            line = word;
        else if (displayWidth(`${line} ${word}`) > width && line.trim()) {
            lines.push(line);
            line = word;
        }
        else
            line = `${line} ${word}`;
    }
    lines.push(line ?? '');
    return lines;
}

;// CONCATENATED MODULE: ./src/report/terminal.ts






const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33' };
/** Wraps text in ANSI colour codes, or returns it as it is. */
function painter(color) {
    return (style, text) => (color && text ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text);
}
const terminal_STATUS = {
    failed: ['failed', 'red'],
    'would-update': ['will update', 'yellow'],
    create: ['will create', 'green'],
    created: ['created', 'green'],
    delete: ['will delete', 'red'],
    deleted: ['deleted', 'red'],
    held: ['held', 'yellow'],
    updated: ['updated', 'green'],
    unchanged: ['unchanged', 'dim'],
};
const HEADERS = ['STATUS', 'REPORT', 'FIELD', 'FROM', 'TO'];
/** Lines of one report: status and report on the first, each change on its own, the error last. */
function reportLines(o) {
    const [word, style] = terminal_STATUS[o.status];
    // The command line runs in workflows too: a name or an API message must not start a workflow command there.
    const id = logLine(reportId(o));
    const report = o.name ? [{ text: logLine(o.name) }, { text: id, style: 'dim' }] : [{ text: id }];
    const detail = o.changes.map((c) => [
        { text: c.field },
        { text: logLine(showValue(c.from)), style: 'red' },
        { text: logLine(showValue(c.to)), style: 'green' },
    ]);
    if (o.note)
        detail.push([{ text: logLine(o.note), style: 'dim', span: true }]);
    if (o.error)
        detail.push([{ text: logLine(o.error), style: style === 'red' ? 'red' : 'yellow', span: true }]);
    const reviewed = o.status === 'held' ? reviewedLine(o) : undefined;
    if (reviewed)
        detail.push([{ text: logLine(reviewed), span: true }]);
    const lines = [];
    for (let i = 0; i < Math.max(report.length, detail.length, 1); i++) {
        lines.push([i ? { text: '' } : { text: word, style }, report[i] ?? { text: '' }, ...(detail[i] ?? [])]);
    }
    return lines;
}
const GAP = 2;
/** Columns cut to fit a width: REPORT, FROM and TO (STATUS and FIELD are short words of our own). */
const SHRINKABLE = [1, 3, 4];
/** Below this many cells a cut column would say nothing. */
const MIN_COLUMN = 8;
/**
 * Aligns cells in columns of terminal cells (an emoji takes two); widths from unspanned cells, trailing
 * blanks trimmed. Given a width, the shrinkable columns share what the others leave (each keeps its own
 * width if that is less than its share), a cell longer than its room is cut with `\u2026`, and a spanning
 * message is wrapped.
 */
function table(lines, paint, width) {
    const widths = [];
    for (const line of lines)
        line.forEach((c, i) => {
            if (!c.span)
                widths[i] = Math.max(widths[i] ?? 0, displayWidth(c.text));
        });
    if (width !== undefined)
        fit(widths, width);
    const show = (c, text) => (c.style ? paint(c.style, text) : text);
    return lines.map((line) => {
        let at = 0;
        return line
            .map((c, i) => {
            const start = at;
            at += (widths[i] ?? 0) + GAP;
            if (i < line.length - 1 && !c.span)
                return padToWidth(show(c, truncateToWidth(c.text, widths[i])), widths[i]);
            if (width === undefined)
                return show(c, c.text);
            const room = Math.max(1, width - start);
            // A message (an error, what was reviewed) is wrapped below itself rather than cut: it is read whole.
            if (!c.span)
                return show(c, truncateToWidth(c.text, room));
            return wrapToWidth(c.text, room)
                .map((part) => show(c, truncateToWidth(part, room)))
                .join(`\n${' '.repeat(start)}`);
        })
            .join(' '.repeat(GAP))
            .trimEnd();
    });
}
/** Caps the shrinkable columns at the widest width that lets a row fit, never below MIN_COLUMN. */
function fit(widths, width) {
    const fixed = widths.reduce((sum, w, i) => (SHRINKABLE.includes(i) ? sum : sum + w), 0);
    const room = width - fixed - GAP * (widths.length - 1);
    const natural = SHRINKABLE.map((i) => widths[i] ?? 0);
    const needed = (cap) => natural.reduce((sum, w) => sum + Math.min(w, cap), 0);
    let cap = Math.max(...natural);
    while (cap > MIN_COLUMN && needed(cap) > room)
        cap--;
    for (const i of SHRINKABLE)
        if (widths[i] !== undefined)
            widths[i] = Math.min(widths[i], cap);
}
/** The plan or apply of one run for a terminal: counts, a table of what differs, what is not declared. */
function renderTerminal(run, options) {
    const paint = painter(options.color);
    const c = run_countOutcomes(run.outcomes);
    // An apply stopped by max-changes updated nothing: its changes are still only planned.
    const planned = run.mode === 'plan' || !!run.overMaxChanges || !!run.overMaxDeletes;
    const out = [
        paint('bold', `${run.mode === 'plan' ? 'Plan' : 'Apply'}: ${format_changeWords(c, planned).join(', ')}, ${c.unchanged} unchanged, ${c.failed} failed${c.held ? `, ${c.held} held` : ''}`) + ` (${run.outcomes.length} declared in ${run.config})`,
    ];
    if (run.review)
        out.push(...format_reviewLines(run.review).map(logLine));
    if (run.overMaxChanges) {
        out.push(paint('red', `Nothing was written: the plan updates ${plural_plural(run.overMaxChanges.count, 'report')} and max-changes allows ${run.overMaxChanges.limit}.`));
    }
    if (run.overMaxDeletes) {
        out.push(paint('red', `Nothing was written: the plan deletes ${plural_plural(run.overMaxDeletes.count, 'report')} and max-deletes allows ${run.overMaxDeletes.limit}.`));
    }
    const shown = format_byImportance(run.outcomes).filter((o) => o.status !== 'unchanged' || o.note);
    if (shown.length) {
        const head = HEADERS.map((text) => ({ text, style: 'bold' }));
        out.push('', ...table([head, ...shown.flatMap(reportLines)], paint, options.width));
        if (c.unchanged)
            out.push(paint('dim', `(${c.unchanged} unchanged not listed)`));
    }
    else if (run.outcomes.length) {
        out.push('', 'No changes: every declared report is in the desired state.');
    }
    if (run.unmanaged)
        out.push('', unmanagedLine(run.unmanaged, logLine));
    // Sentences are wrapped at spaces rather than cut: every id they name stays whole.
    const width = options.width;
    const lines = width === undefined ? out : out.flatMap((l) => l.split('\n')).flatMap((l) => wrapToWidth(l, width));
    return lines.join('\n') + '\n';
}

;// CONCATENATED MODULE: ./src/cli/tty.ts

/**
 * Text with data from outside, for a terminal: every secret scrubbed, and each line's control
 * characters escaped (`\x1b`, never raw), so an API's answer cannot move the cursor, retitle the
 * window or paint a line of its own. Our own colours are added after, never passed through this.
 */
function forTerminal(text, secrets) {
    return secrets
        .redact(text)
        .split('\n')
        .map((line) => printable(line))
        .join('\n');
}
/**
 * Colour only for a person at a terminal: never when piped, never with NO_COLOR (no-color.org: set
 * and not empty). FORCE_COLOR, the common override, turns it on for a pipe, e.g. `| less -R`.
 */
function useColor(stream, env) {
    if (env.NO_COLOR)
        return false;
    if (env.FORCE_COLOR !== undefined && !['0', 'false', ''].includes(env.FORCE_COLOR))
        return true;
    return stream.isTTY === true && env.TERM !== 'dumb';
}
/**
 * The cells a line may take: COLUMNS when set (a person asking for a width), else the terminal's own
 * width; undefined for a pipe or a file, which keep every value whole.
 */
function lineWidth(stream, env) {
    const asked = Number(env.COLUMNS);
    if (env.COLUMNS && Number.isInteger(asked) && asked > 0)
        return asked;
    return stream.isTTY && stream.columns ? stream.columns : undefined;
}
/** Waits this long before showing progress, so short runs print nothing that flickers. */
const QUIET_MS = 400;
const EVERY_MS = 100;
/**
 * One line on stderr, rewritten in place ("planning 120/2000"), only on a terminal: a log file or
 * a pipe gets no carriage returns. Lines printed meanwhile (retries, warnings) go above it.
 */
class Progress {
    stream;
    label;
    started = Date.now();
    last = 0;
    shown = false;
    constructor(stream, label) {
        this.stream = stream;
        this.label = label;
    }
    tick(done, total) {
        if (!this.stream.isTTY)
            return;
        const now = Date.now();
        if (now - this.started < QUIET_MS || now - this.last < EVERY_MS)
            return;
        this.last = now;
        this.shown = true;
        this.stream.write(`\r\x1b[K${this.label} ${done}/${total}`);
    }
    /** Prints a whole line without leaving the progress line torn. */
    line(text) {
        this.clear();
        this.stream.write(text + '\n');
    }
    clear() {
        if (this.shown)
            this.stream.write('\r\x1b[K');
        this.shown = false;
    }
}

;// CONCATENATED MODULE: ./src/cli/run.ts















/** Largest reviewed-plan file read: 10,000 reports make ~2 MB of JSON. */
const MAX_REVIEWED_BYTES = 64 * 1024 * 1024;
/**
 * `--reviewed-plan FILE`: the `plan` JSON of an earlier plan, as what was reviewed. The action's
 * `reviewed-plan` with the plan taken from a file rather than from pull requests: naming one is
 * `require` (a file that cannot be read stops the run before any request), leaving it out is `off`.
 */
async function readReviewed(file, cwd) {
    const where = external_node_path_default().resolve(cwd, file);
    const fail = (why) => new InputError(`--reviewed-plan ${file}: ${why}`);
    let value;
    try {
        if ((await (0,promises_namespaceObject.stat)(where)).size > MAX_REVIEWED_BYTES)
            throw fail('larger than 64 MiB');
        value = JSON.parse(await (0,promises_namespaceObject.readFile)(where, 'utf8'));
    }
    catch (e) {
        if (e instanceof InputError)
            throw e;
        throw fail(e instanceof SyntaxError ? 'not JSON' : e.message);
    }
    try {
        return { review: { policy: 'require', source: file }, plans: [reviewedFromEntries(value)] };
    }
    catch (e) {
        throw fail(e.message);
    }
}
/** validate, plan or apply: the action's engine, shown for a terminal. Returns the exit code. */
async function runConfig(mode, flags, cli) {
    const settings = cliSettings(mode, flags, cli.env, cli.cwd);
    const config = await session_validate(settings);
    if (settings.mode === 'validate') {
        const n = config.entries;
        const names = recipientNames(config).length;
        const later = names ? `; ${plural_plural(names, 'recipient name')} to resolve when planning` : '';
        cli.stdout.write(`${settings.configName}: ${plural_plural(n, 'report')} declared, no errors${later}\n`);
        return 0;
    }
    const progress = new Progress(cli.stderr, settings.mode === 'plan' ? 'planning' : 'applying');
    const reviewed = flags['reviewed-plan'] ? await readReviewed(flags['reviewed-plan'], cli.cwd) : undefined;
    const result = await execute(settings, config, terminalIO(progress, cli.secrets), reviewed).finally(() => progress.clear());
    if (flags.json) {
        // JSON for a script on stdout; the table for the person on stderr.
        for (const part of planJsonParts(result.outcomes))
            cli.stdout.write(part);
        cli.stdout.write('\n');
        cli.stderr.write(renderTerminal(result, terminalOptions(cli.stderr, cli)));
    }
    else
        cli.stdout.write(renderTerminal(result, terminalOptions(cli.stdout, cli)));
    // Failures again on stderr, as file:line:col, so a script or an editor can find them.
    for (const o of result.outcomes) {
        if (o.status === 'failed')
            cli.stderr.write(forTerminal(`${o.at.file}:${o.at.line}:${o.at.column}: ${reportId(o)}: ${o.error}\n`, cli.secrets));
    }
    const failure = failureOf(result);
    if (failure) {
        cli.stderr.write(forTerminal(`${failure.message}\n`, cli.secrets));
        return 1;
    }
    return mode === 'plan' && flags['detailed-exitcode'] && run_changesAnything(run_countOutcomes(result.outcomes))
        ? 2
        : 0;
}
/** Colour and width for the stream the table goes to. */
function terminalOptions(stream, cli) {
    return { color: useColor(stream, cli.env), width: lineWidth(stream, cli.env) };
}
/**
 * The engine's messages on a terminal: above the progress line, which counts the reports done. The
 * client learns each token into `secrets` (no runner to tell: no ::add-mask::); every line is scrubbed
 * and escaped, since it may quote the API.
 */
function terminalIO(progress, secrets) {
    return {
        secrets,
        info: (line) => progress.line(forTerminal(line, secrets)),
        warning: (line) => progress.line(forTerminal(`warning: ${line}`, secrets)),
        onOutcome: (_o, done, total) => progress.tick(done, total),
    };
}

;// CONCATENATED MODULE: ./src/cli/export-command.ts









/**
 * export: every report of a tenant as a reports.yaml that plans to zero changes. Returns the exit code.
 * With -o the file (and the schema copy beside it) replaces nothing that exists unless --force, is
 * never written through a symbolic link, and is written whole or not at all (src/config/write.ts);
 * without, the YAML goes to stdout and no file is written.
 */
async function runExport(flags, cli) {
    const settings = cliSettings('plan', flags, cli.env, cli.cwd);
    const force = flags.force === true;
    const output = flags.output;
    // Before any request: a file that would be refused at the end is refused now.
    const refused = output && (await refusal(external_node_path_default().resolve(cli.cwd, output), force));
    if (output && refused)
        throw refuse(output, refused);
    const progress = new Progress(cli.stderr, 'reading reports');
    const tenant = await exportTenant(settings, terminalIO(progress, cli.secrets), {
        byLogin: flags['by-login'] === true,
        onProgress: (done, total) => progress.tick(done, total),
    }).finally(() => progress.clear());
    // A printed file has no copy of the schema beside it: it names the published one.
    const { text, unwritable } = renderExport(tenant, {
        schema: flags.schema ?? (output ? `./${SCHEMA_FILE}` : reports_schema_namespaceObject.$id),
        generator: `${cli.program} ${cli.version}`,
        tenant: settings.tenantId,
    });
    for (const f of tenant.failures)
        cli.stderr.write(forTerminal(`could not read report ${f.id}: ${f.error}\n`, cli.secrets));
    for (const u of unwritable)
        cli.stderr.write(forTerminal(`could not write report ${u.id}: ${u.reason}\n`, cli.secrets));
    if (output) {
        await writeNewText(external_node_path_default().resolve(cli.cwd, output), text, force).catch((e) => {
            throw e instanceof WriteRefused ? refuse(output, e.why) : e;
        });
        const once = tenant.reports.filter((r) => r.schedule.type === 'once').length;
        const comments = once ? `, ${once} one-time listed as comments` : '';
        cli.stderr.write(`${output}: ${plural_plural(tenant.reports.length - once, 'scheduled report')} exported${comments}\n`);
        if (!flags.schema)
            await writeSchemaCopy(external_node_path_default().join(external_node_path_default().dirname(output), SCHEMA_FILE), force, cli);
    }
    else
        cli.stdout.write(text);
    const failed = tenant.failures.length + unwritable.length;
    if (failed)
        cli.stderr.write(`${plural_plural(failed, 'report')} could not be ${unwritable.length ? (tenant.failures.length ? 'read or written' : 'written') : 'read'}; the file lists them\n`);
    return failed ? 1 : 0;
}
/** Why -o names no file export will write, in the words of its flags. */
function refuse(output, why) {
    if (why === 'exists')
        return new InputError(`${output} exists; export replaces no file: add --force to replace it, or name another with -o`);
    if (why === 'link')
        return new InputError(`${output} is a symbolic link; export writes no file through a link: name the file itself, or another, with -o`);
    return new InputError(`${output} is not a regular file; name another with -o`);
}
/** The schema copy an exported file names in its `$schema` line: beside it, so editors need no network. */
const SCHEMA_FILE = 'reports.schema.json';
async function writeSchemaCopy(file, force, cli) {
    const target = external_node_path_default().resolve(cli.cwd, file);
    const kept = (why) => cli.stderr.write(why === 'exists'
        ? `${file}: exists, kept as it is (--force replaces it with this version's schema)\n`
        : `${file}: ${why === 'link' ? 'a symbolic link (export writes no file through a link)' : 'not a regular file'}, left as it is\n`);
    try {
        await writeNewText(target, JSON.stringify(reports_schema_namespaceObject, null, 2) + '\n', force);
    }
    catch (e) {
        if (e instanceof WriteRefused)
            return void kept(e.why);
        throw e;
    }
    cli.stderr.write(`${file}: the schema, for completion and checks in editors (no network needed)\n`);
}

;// CONCATENATED MODULE: ./src/engine/pull-entry.ts




const KNOWN = { kind: REPORT_KINDS, level: REPORT_LEVELS };
function pull_entry_liveValue(live, field) {
    switch (field) {
        case 'kind':
        case 'level':
        case 'hide_zero_usage':
        case 'show_skus':
            return live.parameters[field];
        case 'enabled':
            return live.schedule.enabled;
    }
}
/**
 * Compares one entry with its live report the other way round from planReport: the file follows the
 * tenant, for the fields the entry manages and only those. Pure.
 */
function pullEntry(index, desired, live, names, label = (id) => id) {
    const changes = [];
    const notes = [];
    const scalars = {};
    let recipients;
    let appended = [];
    const note = (field, message, written = false, at = desired.at) => notes.push({ id: desired.id, field, message, written, at });
    for (const field of FIELDS) {
        if (field === 'recipients') {
            const pulled = pullRecipients(desired, live, names, label, note);
            if (pulled) {
                changes.push(pulled.change);
                recipients = pulled.edit;
                appended = pulled.appended;
            }
            continue;
        }
        const have = desired[field];
        if (have === undefined)
            continue;
        const value = pull_entry_liveValue(live, field);
        if (value === have)
            continue;
        if (value === undefined) {
            // Dropping the key would make the field unmanaged without anyone deciding it.
            note(field, `the live report does not carry ${field}; left as ${have}`);
        }
        else if (KNOWN[field] && !documented(KNOWN[field], String(value))) {
            note(field, `live value "${value}" is not one this version's schema allows; left as ${have}`);
        }
        else {
            changes.push({ field, from: have, to: value });
            scalars[field] = value;
        }
    }
    if (!changes.length)
        return { changes, notes, appended };
    return { changes, notes, appended, edit: { index, scalars, recipients } };
}
function pullRecipients(desired, live, names, label, note) {
    const written = desired.recipients;
    if (!written)
        return undefined;
    const matches = (x) => matchesOf(names, x);
    const liveIds = [...new Set(live.recipients.map((r) => r.toLowerCase()))];
    if (live.result_action !== 'send') {
        const ids = written.map(matches);
        const same = ids.every((m) => m.length === 1) &&
            ids.every((m) => liveIds.includes(m[0])) &&
            liveIds.every((id) => ids.some((m) => m[0] === id));
        if (!same)
            note('recipients', `the live report's result action is ${live.result_action}, and the API takes recipients only on send reports; left as written`);
        return undefined;
    }
    const covered = new Set();
    let drift = false;
    const items = written.map((x, k) => {
        const m = matches(x);
        if (m.length === 1) {
            if (liveIds.includes(m[0])) {
                covered.add(m[0]);
                return undefined;
            }
            drift = true;
            return [];
        }
        // Gone, or now ambiguous: the UUIDs it stood for are what the live report still has of its matches.
        drift = true;
        const stood = m.filter((id) => liveIds.includes(id) && !covered.has(id));
        for (const id of stood)
            covered.add(id);
        const at = desired.recipientAt?.(k) ?? desired.at;
        note('recipients', m.length
            ? `"${x}" now matches ${m.length} users; replaced by ${stood.length ? `the live ${noun(stood.length, 'recipient')} it stood for: ${stood.join(', ')}` : 'nothing (none of them is a live recipient)'}`
            : `"${x}" matches no user any more; removed (live recipients the file does not name are added as UUIDs)`, true, at);
        return stood;
    });
    const appended = liveIds.filter((id) => !covered.has(id));
    if (!drift && !appended.length)
        return undefined;
    const append = appended.map(label);
    const to = [...written.flatMap((x, k) => items[k] ?? [x]), ...append];
    return { change: { field: 'recipients', from: [...written], to }, edit: { items, append }, appended };
}

;// CONCATENATED MODULE: ./src/config/edit-cst.ts


/** The CST of `text`: its one document's content, or undefined when there is none. */
function contentOf(text) {
    for (const token of new dist/* Parser */.iX().parse(text))
        if (token.type === 'document')
            return token.value;
    return undefined;
}
/** A mapping's pairs (block `a: 1` or flow `{a: 1}`), or undefined for anything else. */
function pairsOf(token) {
    const all = token?.type === 'block-map' || (token?.type === 'flow-collection' && token.start.source === '{')
        ? token.items
        : undefined;
    // Comment lines after the last pair are an item of their own, without a key.
    return all?.filter((item) => item.key !== undefined || item.sep !== undefined);
}
/** A list's items (block `- a` or flow `[a]`), or undefined for anything else. */
function itemsOf(token) {
    const all = token?.type === 'block-seq' || (token?.type === 'flow-collection' && token.start.source === '[')
        ? token.items
        : undefined;
    // Comment lines after the last item (or a trailing comma) are an item of their own, without a value.
    return all?.filter((item) => item.value !== undefined || item.start.some((t) => t.type === 'seq-item-ind'));
}
/** The string a scalar token stands for (a key, say); undefined for anything else. */
function scalarText(token) {
    return dist/* CST */.DB.isScalar(token) ? dist/* CST */.DB.resolveAsScalar(token, false, () => undefined)?.value : undefined;
}
/** The pair whose key is `key`. */
function pairOf(pairs, key) {
    return pairs.find((p) => scalarText(p.key) === key);
}
/** The anchor among `tokens` (a value's props), without its `&`. */
function anchorIn(...lists) {
    for (const tokens of lists)
        for (const t of tokens ?? [])
            if (t.type === 'anchor')
                return t.source.slice(1);
    return undefined;
}
/** Whether `tokens` give a value an anchor or a tag. */
function hasProps(tokens) {
    return !!tokens?.some((t) => t.type === 'anchor' || t.type === 'tag');
}
/** A token that one scalar value can be written into: a flow or block scalar, or an alias. */
function isValue(token) {
    return token?.type === 'alias' || dist/* CST */.DB.isScalar(token);
}
/** How a scalar token is quoted, in yaml's names (a block scalar's style is none of them). */
function styleOf(token) {
    if (token?.type === 'single-quoted-scalar')
        return 'QUOTE_SINGLE';
    if (token?.type === 'double-quoted-scalar')
        return 'QUOTE_DOUBLE';
    return token?.type === 'scalar' ? 'PLAIN' : undefined;
}
/**
 * Writes `source`, the one line yamlScalar made for `value`, into a scalar or alias token: through
 * CST.setScalarValue, which turns the token into a flow scalar of that style and keeps what follows
 * it (a comment, the line break a block scalar had), and with yamlScalar's text as the token's source,
 * since yaml's own quoting for edits may fold a line or leave DEL, U+0085 and U+2028 raw.
 */
function setScalar(token, value, source) {
    const type = source.startsWith('"') ? 'QUOTE_DOUBLE' : source.startsWith("'") ? 'QUOTE_SINGLE' : 'PLAIN';
    dist/* CST */.DB.setScalarValue(token, value, { type });
    Object.assign(token, {
        type: type === 'QUOTE_DOUBLE'
            ? 'double-quoted-scalar'
            : type === 'QUOTE_SINGLE'
                ? 'single-quoted-scalar'
                : 'scalar',
        source,
    });
}
const BLANK = new Set(['space', 'newline', 'comment']);
/**
 * Where the content of `token` ends: after its last character that is not a comment, a space or a
 * line break (a pair's value, a list's last item, a flow collection's closing bracket).
 */
function contentEnd(token) {
    switch (token.type) {
        case 'block-map':
        case 'block-seq': {
            // The last item that holds something: comment lines after it are items of their own.
            for (let k = token.items.length - 1; k >= 0; k--) {
                const item = token.items[k];
                const inner = item.value ?? item.key;
                if (inner)
                    return contentEnd(inner);
                const mark = [...(item.sep ?? []), ...item.start].reverse().find((t) => !BLANK.has(t.type));
                if (mark)
                    return mark.offset + mark.source.length;
            }
            return token.offset;
        }
        case 'flow-collection': {
            const close = token.end.find((t) => t.type === 'flow-map-end' || t.type === 'flow-seq-end');
            return close ? close.offset + 1 : token.offset;
        }
        case 'block-scalar':
            return token.offset + dist/* CST */.DB.stringify(token).length;
        default:
            return token.offset + ('source' in token ? token.source.length : 0);
    }
}
/**
 * A file of the plain shape export writes is parsed only where it changes, an entry at a time (a
 * typical pull changes a few entries of thousands); any other file is parsed whole.
 */
function reportsOf(lines) {
    const text = lines.text;
    const offsets = plainEntryOffsets(text, lines);
    if (offsets?.length) {
        return {
            count: offsets.length,
            flow: false,
            entry(i) {
                const base = offsets[i];
                const list = itemsOf(contentOf(text.slice(base, offsets[i + 1] ?? text.length)));
                return { token: list?.[0]?.value, base };
            },
        };
    }
    const top = pairsOf(contentOf(text));
    const reports = top && pairOf(top, 'reports');
    const items = itemsOf(reports?.value);
    if (!reports || !items)
        throw new Error('editReports needs a valid reports.yaml with a `reports` list');
    const flow = reports.value?.type === 'flow-collection';
    return {
        count: items.length,
        flow,
        entry: (i) => ({ token: items[i]?.value, base: 0 }),
        emptyFlow: flow && !items.length ? reports : undefined,
    };
}

;// CONCATENATED MODULE: ./src/config/edit-add.ts



/**
 * `id: <uuid>` before the entry's first key, at that key's column (`- name: x` becomes `- id: \u2026` and
 * `  name: x` below it; `{kind: \u2026}` becomes `{id: \u2026, kind: \u2026}`): the one key pull adds. `base`: where
 * the entry's text starts in the file.
 */
function insertId(editor, index, entry, base, pairs, id) {
    if (pairOf(pairs, 'id'))
        return editor.problem(index, 'id', 'the entry has an id already');
    const first = pairs[0];
    if (!first?.key || !dist/* CST */.DB.isScalar(first.key) || first.key.type === 'block-scalar' || hasProps(first.start))
        return editor.problem(index, 'id', 'the entry does not start with a plain key');
    const flow = entry.type === 'flow-collection';
    const start = base + first.key.offset;
    const lineStart = editor.lines.lineStart(start);
    const value = yamlScalar(id, undefined, flow);
    // A block entry must start its line with the key (after `- ` or spaces): then the new line lines up.
    if (!flow && !/^[ ]*(- +)?$/.test(editor.lines.text.slice(lineStart, start)))
        return editor.problem(index, 'id', 'the entry does not start its line');
    const text = flow ? `id: ${value}, ` : `id: ${value}${editor.eol}${' '.repeat(start - lineStart)}`;
    editor.edits.push({ start, end: start, text });
}
/**
 * New entries after the last one of `reports`, indented as it is (or as export writes them under
 * `reports: []`, which becomes `reports:` with the entries below it); with a blank line before each
 * when the file has one between its entries (export's layout).
 */
function appendEntries(editor, list, entries) {
    const { lines } = editor;
    const text = lines.text;
    let dash = 2;
    let keys = 4;
    let blank = true;
    let at;
    if (list.emptyFlow) {
        const colon = list.emptyFlow.sep?.find((t) => t.type === 'map-value-ind');
        const end = contentEnd(list.emptyFlow.value);
        editor.edits.push({ start: colon.offset + 1, end, text: '' });
        at = lines.lineEnd(end);
    }
    else {
        const { token: last, base } = list.count ? list.entry(list.count - 1) : { token: undefined, base: 0 };
        if (list.flow || !last || !pairsOf(last))
            return editor.problem(-1, 'reports', 'entries cannot be appended to a flow list ([...]): add them by hand');
        const start = base + last.offset;
        const lineStart = lines.lineStart(start);
        dash = Math.max(0, text.indexOf('-', lineStart) - lineStart);
        keys = start - lineStart;
        if (list.count > 1)
            blank = blankAbove(lines, lineStart);
        at = lines.lineEnd(base + contentEnd(last));
    }
    const indent = (line) => {
        const n = line.length - line.trimStart().length;
        return ' '.repeat(n ? keys + n - 2 : dash) + line.trimStart();
    };
    editor.insertLines(at, entries.flatMap((entry) => [...(blank ? [''] : []), ...entry.map(indent)]));
}
/** Whether a blank line comes before the first line of content above `lineStart` (comments skipped). */
function blankAbove(lines, lineStart) {
    for (let i = lines.position(lineStart).line - 2; i >= 0; i--) {
        const line = lines.text.slice(lines.start(i), lines.end(i)).trim();
        if (!line)
            return true;
        if (!line.startsWith('#'))
            return false;
    }
    return false;
}

;// CONCATENATED MODULE: ./src/config/edit-recipients.ts





/**
 * An entry's recipients: items kept, replaced (by one value or several, each on its own line as the
 * list writes them) or removed with their line, values appended; a flow list `[a, b]` is rewritten
 * whole. Refused, with the field listed, when the list or an item carries an anchor another entry may
 * use, when an item is not a single scalar, or when the list would pass MAX_ITEMS.
 */
function editRecipients(editor, index, pairs, edit) {
    const pair = pairOf(pairs, 'recipients');
    const list = pair?.value;
    const items = itemsOf(list);
    if (!pair || !list || !items)
        return editor.problem(index, 'recipients', 'the value is not a list');
    const anchor = anchorIn(pair.sep);
    if (anchor)
        return editor.problem(index, 'recipients', `the list carries the anchor &${anchor}`);
    if (items.some((item) => !isValue(item.value)))
        return editor.problem(index, 'recipients', 'an item is not a single scalar');
    // An alias elsewhere may stand for an item: changing the list here would change that entry too.
    const anchored = items.map((item) => anchorIn(item.start)).find((a) => a !== undefined);
    if (anchored)
        return editor.problem(index, 'recipients', `an item carries the anchor &${anchored}`);
    const total = items.reduce((n, _, k) => n + (edit.items[k]?.length ?? 1), 0) + edit.append.length;
    if (total > MAX_ITEMS)
        return editor.problem(index, 'recipients', `the live report has ${count(total)} recipients; a list holds at most ${count(MAX_ITEMS)}`);
    const style = styleOf([...items].reverse().find((item) => dist/* CST */.DB.isScalar(item.value))?.value);
    if (list.type === 'flow-collection')
        return flowList(editor, index, list, items, edit, style);
    let left = 0;
    items.forEach((item, k) => {
        const value = item.value;
        const next = edit.items[k];
        if (next === undefined)
            return void left++;
        const dash = item.start.find((t) => t.type === 'seq-item-ind');
        const from = editor.lines.lineStart(editor.at(dash ?? value));
        const lineEnd = editor.lines.lineEnd(editor.base + contentEnd(value));
        if (!next.length)
            return void editor.edits.push({ start: from, end: lineEnd, text: '' });
        left += next.length;
        editor.write(value, next[0], yamlScalar(next[0], style, false));
        const prefix = itemPrefix(editor.lines, editor.at(value));
        editor.insertLines(lineEnd, next.slice(1).map((v) => prefix + yamlScalar(v, style, false)));
    });
    if (edit.append.length) {
        const last = items[items.length - 1].value;
        const prefix = itemPrefix(editor.lines, editor.at(last));
        const lines = edit.append.map((v) => prefix + yamlScalar(v, style, false));
        editor.insertLines(editor.lines.lineEnd(editor.base + contentEnd(last)), lines);
        left += lines.length;
    }
    // Nothing left: `recipients: []`, as export writes an empty list (a block list cannot be empty).
    const colon = pair.sep?.find((t) => t.type === 'map-value-ind');
    if (!left && colon)
        editor.edits.push({ start: editor.at(colon) + 1, end: editor.at(colon) + 1, text: ' []' });
}
/** `[a, b]` is rewritten whole, keeping its spacing; the rest of its line stays. */
function flowList(editor, index, list, items, edit, style) {
    const start = editor.at(list);
    const end = editor.base + contentEnd(list);
    const source = editor.lines.text.slice(start, end);
    if (source.includes('\n') && source.includes('#'))
        return editor.problem(index, 'recipients', 'the list spans lines with comments in it');
    const own = (item) => {
        const value = item.value;
        return [editor.at(value), editor.at(value) + value.source.length];
    };
    const values = [];
    items.forEach((item, k) => {
        const next = edit.items[k];
        if (next === undefined)
            values.push(editor.lines.text.slice(...own(item)));
        else
            values.push(...next.map((v) => yamlScalar(v, style, true)));
    });
    values.push(...edit.append.map((v) => yamlScalar(v, style, true)));
    const between = items.length > 1 ? editor.lines.text.slice(own(items[0])[1], own(items[1])[0]) : ', ';
    const sep = between.trim() === ',' && !between.includes('\n') ? between : ', ';
    const pad = items.length && source[1] === ' ' ? ' ' : '';
    const text = values.length ? `[${pad}${values.join(sep)}${pad}]` : '[]';
    editor.edits.push({ start, end, text });
}
/** `      - ` of the block list item whose value starts at `start`: what a new item's line starts with. */
function itemPrefix(lines, start) {
    const text = lines.text;
    const line = lines.lineStart(start);
    const dash = text.indexOf('-', line);
    if (dash < 0 || dash >= start || text.slice(line, dash).trim())
        return ' '.repeat(Math.max(0, start - line - 2)) + '- ';
    let after = dash + 1;
    while (text[after] === ' ')
        after++;
    return text.slice(line, after);
}

;// CONCATENATED MODULE: ./src/config/edit-entry.ts







/**
 * The edits of one file: each value goes into its token of yaml's syntax tree (CST) and comes out
 * through CST.stringify, at the token's own offset; lines are found by the one scanner (Lines).
 */
class Editor {
    lines;
    edits = [];
    problems = [];
    /** The file's line ending, for the lines it gains. */
    eol;
    /** Where the text of the entry at hand starts: its tokens' offsets count from there. */
    base = 0;
    constructor(lines) {
        this.lines = lines;
        const nl = lines.text.indexOf('\n');
        this.eol = nl > 0 && lines.text[nl - 1] === '\r' ? '\r\n' : '\n';
    }
    /** A token's offset in the file. */
    at(token) {
        return this.base + token.offset;
    }
    entry(token, base, edit) {
        this.base = base;
        const fields = [
            ...Object.keys(edit.scalars ?? {}),
            ...(edit.recipients ? ['recipients'] : []),
            ...(edit.id ? ['id'] : []),
        ];
        const pairs = pairsOf(token);
        if (!token || !pairs) {
            for (const field of fields)
                this.problem(edit.index, field, 'the entry is not a mapping');
            return;
        }
        for (const [field, value] of Object.entries(edit.scalars ?? {}))
            this.field(edit.index, field, () => this.scalar(edit.index, field, pairOf(pairs, field), value));
        const recipients = edit.recipients;
        if (recipients)
            this.field(edit.index, 'recipients', () => editRecipients(this, edit.index, pairs, recipients));
        const id = edit.id;
        if (id)
            this.field(edit.index, 'id', () => insertId(this, edit.index, token, this.base, pairs, id));
    }
    /**
     * Makes one field's edits, and takes them back when a line they make would be longer than reading
     * allows (a list of a thousand UUIDs in `[...]`): that field is listed, the others still change.
     */
    field(index, field, make) {
        const mark = this.edits.length;
        make();
        const longest = Math.max(0, ...this.edits.slice(mark).map((e) => this.lines.longestAfter(e)));
        if (longest <= MAX_LINE_LENGTH)
            return;
        this.edits.length = mark;
        this.problem(index, field, `the live value would make a line ${count(longest)} characters long; the limit is ${count(MAX_LINE_LENGTH)}`);
    }
    problem(index, field, message) {
        this.problems.push({ index, field, message });
    }
    /** Writes `source` into the value token (yamlScalar's text), as an edit of the token's own text. */
    write(token, value, source) {
        const start = this.at(token);
        const old = dist/* CST */.DB.stringify(token);
        setScalar(token, value, source);
        this.edits.push({ start, end: start + old.length, text: dist/* CST */.DB.stringify(token) });
    }
    scalar(index, field, pair, value) {
        const token = pair?.value;
        if (!isValue(token))
            return this.problem(index, field, 'the value is not a single scalar');
        // Another entry may use the anchor through an alias: changing it here would change that one too.
        const anchor = anchorIn(pair?.sep, token.type === 'block-scalar' ? token.props : undefined);
        if (anchor)
            return this.problem(index, field, `the value carries the anchor &${anchor}`);
        const text = typeof value === 'boolean'
            ? sameCase(String(value), token.source)
            : yamlScalar(value, styleOf(token), false);
        this.write(token, String(value), text);
    }
    /** New lines at `at` (a line's start), each ending as the file's lines end. */
    insertLines(at, lines) {
        if (!lines.length)
            return;
        const eol = this.eol;
        // A file that does not end with a line break keeps not ending with one.
        const text = at === this.lines.text.length && at > 0 && !this.lines.text.endsWith('\n')
            ? eol + lines.join(eol)
            : lines.map((l) => l + eol).join('');
        this.edits.push({ start: at, end: at, text });
    }
}

;// CONCATENATED MODULE: ./src/config/edit.ts




/**
 * Writes new values into the text of a valid reports.yaml, and appends entries (`appended`: each
 * entry's lines as export lays them out, `- id:` at column 0 and its keys at column 2; they take the
 * file's indentation). Every line no edit touches stays byte for byte, line endings included.
 */
function editReports(text, entries, appended = []) {
    if (!entries.length && !appended.length)
        return { text, edits: [], problems: [] };
    const lines = new Lines(text);
    const editor = new Editor(lines);
    const list = reportsOf(lines);
    for (const e of entries) {
        const { token, base } = list.entry(e.index);
        editor.entry(token, base, e);
    }
    if (appended.length)
        appendEntries(editor, list, appended);
    const edits = sortEdits(editor.edits);
    return { text: applyEdits(text, edits), edits, problems: editor.problems };
}
/** Edits in the order they apply: by offset, an insertion before a replacement that starts where it is. */
function sortEdits(edits) {
    return edits
        .map((e, i) => ({ e, i }))
        .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
        .map(({ e }) => e);
}
/** Applies sorted, non-overlapping edits in one pass. */
function applyEdits(text, sorted) {
    const parts = [];
    let at = 0;
    for (const e of sorted) {
        if (e.start < at)
            throw new Error(`overlapping edits at offset ${e.start}`);
        parts.push(text.slice(at, e.start), e.text);
        at = e.end;
    }
    parts.push(text.slice(at));
    return parts.join('');
}

;// CONCATENATED MODULE: ./src/engine/pull-text.ts




/** A value the editor could not change in place stays as it is, and is listed instead. */
function pull_text_refuse(problem, pulls, reports, redact, found) {
    if (problem.field === 'reports') {
        if (found)
            found.refused = problem.message;
        return;
    }
    if (problem.field === 'id')
        return;
    // The editor names an entry by its place in the file's list.
    const k = reports.findIndex((x) => x.index === problem.index);
    const p = pulls[k];
    const r = reports[k];
    if (!p || !r)
        return;
    const change = p.changes.find((c) => c.field === problem.field);
    p.changes = p.changes.filter((c) => c !== change);
    // What the notes said was written into that field (a name replaced) was not written either.
    p.notes = p.notes.filter((n) => !(n.field === problem.field && n.written));
    const live = change ? ` (live: ${oneLineJson(change.to, redact)})` : '';
    p.notes.push({
        id: r.id,
        field: problem.field,
        message: `cannot be changed in place: ${problem.message}; left as it is${live}`,
        written: false,
        at: r.at,
    });
}
/**
 * The pulled values written into `text` (and the undeclared reports appended), what could not be
 * changed in place listed instead (refused by the editor: the change is dropped, a note says why).
 * The new text is then read back whole: every entry must hold exactly what was meant, the untouched
 * ones what they held before; anything else is a bug, and then nothing is written. Pure.
 */
function pulledText(text, config, pulls, appended, redact, found, ids = []) {
    const edited = editReports(text, [
        ...pulls.flatMap((p) => (p?.edit ? [p.edit] : [])),
        ...ids.flatMap((x) => (x.id ? [{ index: x.r.index, id: x.id }] : [])),
    ], appended.map((e) => e.lines));
    for (const problem of edited.problems) {
        const x = problem.field === 'id' ? ids.find((c) => c.r.index === problem.index) : undefined;
        if (x) {
            x.note = `cannot write \`id: ${x.id}\` in place: ${problem.message}; add it by hand`;
            x.id = undefined;
        }
        else
            pull_text_refuse(problem, pulls, config.reports, redact, found);
    }
    if (found)
        found.appended = found.refused ? [] : appended.map((e) => e.values.id);
    if (edited.text === text)
        return edited;
    // Every entry, in file order: those to create or delete are meant to read back as they were.
    const pulled = new Map(config.reports.map((r, i) => {
        const changes = pulls[i]?.changes ?? [];
        return [
            r.index,
            changes.length ? { ...r, ...Object.fromEntries(changes.map((c) => [c.field, c.to])) } : r,
        ];
    }));
    for (const x of ids)
        if (x.id)
            pulled.set(x.r.index, { ...x.r, id: x.id });
    const intended = entriesOf(config).map((r) => pulled.get(r.index) ?? r);
    if (!found?.refused)
        intended.push(...appended.map((e) => e.values));
    const wrong = unlikeIntended(edited.text, config.file, intended);
    if (wrong)
        throw new Error(`pull could not edit ${config.file} as intended: ${wrong}; nothing was written`);
    return edited;
}

;// CONCATENATED MODULE: ./src/engine/pull.ts












/**
 * Reads every declared report and writes the live values of the fields the file manages into the
 * file's text, in place. Nothing is ever sent to the API but reads.
 */
function pull(settings, source, io, options) {
    return withSession(settings, io, (session) => pullIn(session, source, options));
}
async function pullIn({ settings, io, client, tenant }, { text, config }, options) {
    // The edits land in the very text `config` was parsed from: the file is read once.
    const names = await lookupNames(recipientNames(config), client, tenant, settings.concurrency);
    const total = config.reports.length;
    const lives = await readReports(client, config.reports.map((r) => r.id), settings.concurrency);
    const pullAt = (i, label) => pullEntry(config.reports[i].index, config.reports[i], lives[i], names, label);
    const pulls = lives.map((live, i) => {
        const p = 'error' in live ? undefined : pullAt(i);
        io.onOutcome?.(outcome(config.reports[i], p, live, false), i + 1, total);
        return p;
    });
    let extra = [];
    let found;
    if (options.addUndeclared) {
        const tenantId = await tenant();
        if (!tenantId)
            throw new Error('--add-undeclared needs the tenant: set --tenant-id when using ACRONIS_TOKEN');
        const { ids } = await undeclared(client, tenantId, [...config.reports, ...config.deletes].map((r) => r.id));
        const read = await readReports(client, ids, settings.concurrency);
        const live = read.filter((r) => !('error' in r));
        extra = live.filter((r) => r.schedule.type !== 'once');
        found = {
            appended: extra.map((r) => r.id),
            oneTime: live.filter((r) => r.schedule.type === 'once').map((r) => r.id),
            unread: read.filter((r) => 'error' in r),
        };
    }
    let logins;
    if (options.byLogin) {
        const ids = [...pulls.flatMap((p) => p?.appended ?? []), ...extra.flatMap((r) => writable(r) ?? [])];
        if (ids.length) {
            logins = await loginsOf(client, [...new Set(ids.map((id) => id.toLowerCase()))]);
            const label = (id) => logins.get(id) ?? id;
            pulls.forEach((p, i) => {
                if (p?.appended.length)
                    pulls[i] = pullAt(i, label);
            });
        }
    }
    const ids = await createdIds(config, client, tenant, names, settings.concurrency);
    const appended = extra.map((r) => entryText(r, logins));
    if (found)
        found.unwritable = appended.filter((e) => !('lines' in e));
    const edited = pulledText(text, config, pulls, appended.filter((e) => 'lines' in e), client.redact, found, ids);
    const written = options.write && edited.text !== text;
    if (written)
        await writeConfigText(settings.configPath, settings.configName, { root: settings.configRoot, maxBytes: MAX_CONFIG_BYTES }, text, edited.text);
    return {
        mode: 'pull',
        config: config.file,
        before: text,
        after: edited.text,
        edits: edited.edits,
        outcomes: [
            ...config.reports.map((r, i) => outcome(r, pulls[i], lives[i], written)),
            ...ids.map((x) => recordedOutcome(x, written)),
        ].sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column),
        notes: pulls.flatMap((p) => p?.notes ?? []),
        undeclared: found,
        written,
    };
}
function outcome(r, p, live, written) {
    const base = { id: r.id, name: r.name, at: r.at };
    if ('error' in live)
        return { ...base, status: 'failed', changes: [], error: live.error };
    const changes = p?.changes ?? [];
    return { ...base, status: !changes.length ? 'unchanged' : written ? 'updated' : 'would-update', changes };
}
/**
 * The report each entry without id stands for, once an apply created it: the one undeclared report of
 * its tenant that matches what the entry declares (as apply matches it), whose id pull then writes.
 */
async function createdIds(config, client, tenant, names, concurrency) {
    if (!config.creates.length)
        return [];
    const declared = new Set([...config.reports, ...config.deletes].map((r) => r.id));
    const candidates = new Candidates(client, declared, concurrency);
    const own = await tenant().catch(() => undefined);
    return mapLimit(config.creates, concurrency, async (r) => {
        const tenantId = r.tenant ?? config.tenant ?? own;
        if (!tenantId)
            return { r, note: 'its tenant is unknown: set `tenant` in the file; nothing recorded' };
        // A name that is not exactly one user cannot match anything: the entry is left as it is.
        const ids = r.recipients?.map((x) => matchesOf(names, x));
        if (ids?.some((m) => m.length !== 1))
            return { r, note: 'a recipient does not name exactly one user; nothing recorded' };
        const resolved = { ...r, recipientIds: ids?.map((m) => m[0]) };
        try {
            const found = (await candidates.of(tenantId)).filter((live) => declares(resolved, tenantId, live));
            if (found.length === 1)
                return { r, id: found[0].id.toLowerCase() };
            return {
                r,
                note: found.length
                    ? `${found.length} reports match: add \`id:\` with the one this entry means`
                    : 'no report matches it yet: an apply creates it',
            };
        }
        catch (e) {
            return { r, error: describeError(e) };
        }
    });
}
function recordedOutcome(x, written) {
    const base = newBase(x.r, x.id ?? '');
    if (x.error)
        return { ...base, status: 'failed', changes: [], error: x.error };
    if (!x.id)
        return { ...base, status: 'unchanged', changes: [], ...(x.note ? { note: x.note } : {}) };
    return {
        ...base,
        status: written ? 'updated' : 'would-update',
        changes: [{ field: 'id', from: null, to: x.id }],
    };
}

;// CONCATENATED MODULE: ./src/report/diff.ts

/**
 * A unified diff (`diff -u` with `context` lines) of a text and the same text after `edits` (sorted,
 * non-overlapping, as editReports returns them). Built from the edits, not by comparing the texts, so
 * it costs one pass at any size; the lines are shown as they are, line endings but the `\n` kept.
 */
function unifiedDiff(file, before, edits, context = 3) {
    if (!edits.length)
        return '';
    // yaml's LineCounter, as config/lines.ts uses it: line starts, and the line of an offset.
    const lines = new dist/* LineCounter */.HN();
    lines.addNewLine(0);
    for (let nl = before.indexOf('\n'); nl !== -1; nl = before.indexOf('\n', nl + 1))
        lines.addNewLine(nl + 1);
    const starts = lines.lineStarts;
    const lineOf = (offset) => lines.linePos(offset).line - 1;
    const lineText = (n) => before.slice(starts[n], (starts[n + 1] ?? before.length + 1) - 1);
    const total = before.endsWith('\n') || !before.length ? starts.length - 1 : starts.length;
    const blocks = toBlocks(before, edits, lineOf, starts);
    const out = [`--- a/${file}`, `+++ b/${file}`];
    let shift = 0;
    for (let i = 0; i < blocks.length;) {
        // One hunk: blocks whose context would touch or overlap.
        let j = i;
        while (j + 1 < blocks.length &&
            blocks[j + 1].from - (blocks[j].from + blocks[j].old.length) <= 2 * context)
            j++;
        const first = blocks[i];
        const lastBlock = blocks[j];
        const head = Math.max(0, first.from - context);
        const tail = Math.min(total, lastBlock.from + lastBlock.old.length + context);
        const lines = [];
        let oldCount = 0;
        let newCount = 0;
        const keep = (from, to) => {
            for (let n = from; n < to; n++) {
                lines.push(` ${lineText(n)}`);
                if (n === total - 1 && !before.endsWith('\n'))
                    lines.push('\\ No newline at end of file');
            }
            oldCount += to - from;
            newCount += to - from;
        };
        let at = head;
        for (let k = i; k <= j; k++) {
            const b = blocks[k];
            keep(at, b.from);
            for (const l of b.old)
                lines.push(`-${l}`);
            if (b.oldOpen)
                lines.push('\\ No newline at end of file');
            for (const l of b.now)
                lines.push(`+${l}`);
            if (b.nowOpen)
                lines.push('\\ No newline at end of file');
            oldCount += b.old.length;
            newCount += b.now.length;
            at = b.from + b.old.length;
        }
        keep(at, tail);
        const oldStart = oldCount ? head + 1 : head;
        const newStart = newCount ? head + shift + 1 : head + shift;
        out.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`, ...lines);
        for (let k = i; k <= j; k++)
            shift += blocks[k].now.length - blocks[k].old.length;
        i = j + 1;
    }
    return out.join('\n') + '\n';
}
/** Each edit widened to whole lines; edits that share a line become one block. */
function toBlocks(before, edits, lineOf, starts) {
    const lineEnd = (at) => {
        const nl = before.indexOf('\n', at);
        return nl < 0 ? before.length : nl + 1;
    };
    const spans = [];
    for (const e of edits) {
        const s = starts[lineOf(e.start)];
        // Up to a line break the edit ends on, or through the line it ends in.
        const t = e.end > e.start && before[e.end - 1] === '\n'
            ? e.end
            : e.start === s && e.end === s
                ? s
                : lineEnd(e.end);
        const open = spans[spans.length - 1];
        if (open && s <= open.t) {
            open.t = Math.max(open.t, t);
            open.edits.push(e);
        }
        else
            spans.push({ s, t, edits: [e] });
    }
    return spans.map(({ s, t, edits: group }) => {
        let now = '';
        let at = s;
        for (const e of group) {
            now += before.slice(at, e.start) + e.text;
            at = e.end;
        }
        now += before.slice(at, t);
        const old = split(before.slice(s, t));
        const next = split(now);
        return { from: lineOf(s), old: old.lines, now: next.lines, oldOpen: old.open, nowOpen: next.open };
    });
}
function split(text) {
    if (!text)
        return { lines: [], open: false };
    const lines = text.split('\n');
    const open = lines[lines.length - 1] !== '';
    if (!open)
        lines.pop();
    return { lines, open };
}

;// CONCATENATED MODULE: ./src/report/pull.ts




/** `Pull: 2 pulled, 5 unchanged, 0 failed (7 declared in reports.yaml)`, and what happened to the file. */
function pullHeadline(run) {
    const c = run_countOutcomes(run.outcomes);
    const added = run.undeclared?.appended.length;
    const parts = [
        `Pull: ${c.changed} pulled, ${c.unchanged} unchanged, ${c.failed} failed (${run.outcomes.length} declared in ${run.config})`,
    ];
    if (added)
        parts.push(`${plural_plural(added, 'undeclared report')} added`);
    if (run.notes.length)
        parts.push(`${run.notes.length} listed`);
    const file = run.after === run.before
        ? `${run.config} left as it was`
        : run.written
            ? `${run.config} written`
            : `nothing written`;
    return `${parts.join('; ')}: ${file}`;
}
/** Everything a person should look at, one line each, `file:line:col:` first where there is a place. */
function pullListing(run) {
    const where = (at) => `${at.file}:${at.line}:${at.column}`;
    const lines = [
        ...run.outcomes
            .filter((o) => o.status === 'failed')
            .map((o) => `${where(o.at)}: ${o.id}: could not be read, left as it is: ${o.error}`),
        ...run.notes.map((n) => `${where(n.at)}: ${n.id}: ${n.field}: ${n.message}`),
    ];
    const u = run.undeclared;
    if (u) {
        for (const f of u.unread)
            lines.push(`${run.config}: undeclared report ${f.id} could not be read, not added: ${f.error}`);
        for (const id of u.oneTime)
            lines.push(`${run.config}: undeclared report ${id} is one-time (schedule once), not added: the API cannot update it`);
        for (const w of u.unwritable ?? [])
            lines.push(`${run.config}: undeclared report ${w.id} cannot be written as an entry, not added: ${w.reason}`);
        if (u.refused)
            lines.push(`${run.config}: undeclared reports not added: ${u.refused}`);
    }
    return lines;
}
/** GitHub refuses a step summary over 1 MiB: the listing and the diff share what is left of it. */
const LISTING_BUDGET_CHARS = (/* unused pure expression or super */ null && (200 * 1024));
const DIFF_BUDGET_CHARS = (/* unused pure expression or super */ null && (600 * 1024));
/** The job summary of a pull: counts, why the step failed if it did, what was listed, and the diff. */
function renderPullSummary(run, diff, failure) {
    const c = countOutcomes(run.outcomes);
    const file = run.after === run.before ? 'left as it was' : run.written ? 'written' : 'not written';
    const added = run.undeclared?.appended.length;
    const lines = [
        '## Acronis report sync: pull',
        '',
        `**${c.changed}** pulled \u00b7 **${c.unchanged}** unchanged \u00b7 **${c.failed}** failed \u2014 ${run.outcomes.length} declared in \`${cell(run.config)}\`, ${file}` +
            (added ? ` (${plural(added, 'undeclared report')} added)` : ''),
        '',
    ];
    if (failure)
        lines.push(verdictLine(failure), '');
    const listed = pullListing(run);
    if (listed.length) {
        lines.push('Left as they are, or replaced, for a person to look at:', '', '| Where | What |', '| --- | --- |');
        const row = (line) => {
            const [where, ...what] = line.split(': ');
            return `| ${cell(where)} | ${cell(what.join(': '))} |`;
        };
        lines.push(...fitRows(listed, row, LISTING_BUDGET_CHARS, (n) => `| \u2026 | ${n} more omitted: see the log |`), '');
    }
    if (diff)
        lines.push(...fenced(diff, DIFF_BUDGET_CHARS));
    return lines.join('\n') + '\n';
}
/** The diff in a code block whose fence no line of it can close, cut at whole lines to the budget. */
function fenced(diff, budget) {
    let text = diff;
    let cut = '';
    if (text.length > budget) {
        text = text.slice(0, text.lastIndexOf('\n', budget) + 1);
        const omitted = diff.slice(text.length).split('\n').length - 1;
        cut = `(${plural(omitted, 'more line')} of the diff omitted: see the log)`;
    }
    const longest = (text.match(/`+/g) ?? []).reduce((n, run) => Math.max(n, run.length), 0);
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return [`${fence}diff`, text.trimEnd(), fence, ...(cut ? ['', cut] : [])];
}

;// CONCATENATED MODULE: ./src/cli/pull-command.ts








/** pull: the live values written into reports.yaml in place; the diff on stdout. Returns the exit code. */
async function runPull(flags, cli) {
    const settings = cliSettings('pull', flags, cli.env, cli.cwd);
    const source = await readSource(settings);
    const progress = new Progress(cli.stderr, 'reading reports');
    const run = await pull(settings, source, terminalIO(progress, cli.secrets), {
        byLogin: flags['by-login'] === true,
        addUndeclared: flags['add-undeclared'] === true,
        write: flags.check !== true,
    }).finally(() => progress.clear());
    // The diff alone on stdout, so `pull --check > change.patch` is a patch.
    cli.stdout.write(unifiedDiff(settings.configName, run.before, run.edits));
    for (const line of [...pullListing(run), pullHeadline(run)])
        cli.stderr.write(`${forTerminal(line, cli.secrets)}\n`);
    // The same rule as the action's step (failed-reports); undeclared reports only the command line adds.
    if (failureOf(run) || run.undeclared?.unread.length)
        return 1;
    return flags.check && run.after !== run.before ? 2 : 0;
}

;// CONCATENATED MODULE: ./src/cli/program.ts












/** Runs one command line and returns its exit code: 0 success, 1 failure, 2 plan has changes (or pull --check would). */
async function main(argv, io) {
    // As the action does with its inputs: every secret known before anything could print it.
    const { ACRONIS_CLIENT_SECRET: secret, ACRONIS_TOKEN: token, ACRONIS_BASE_URL: base } = io.env;
    const secrets = Redactor.of(secret ?? '', token ?? '', passwordOf(base ?? ''));
    const cli = { ...io, program: PROGRAM, version: package_namespaceObject.rE, secrets };
    let flags = {};
    try {
        const parsed = parseCommandLine(argv);
        switch (parsed.kind) {
            case 'overview':
                cli.stdout.write(overview(cli.version));
                return 0;
            case 'version':
                cli.stdout.write(`${cli.version}\n`);
                return 0;
            case 'help':
                cli.stdout.write(commandHelp(parsed.command));
                return 0;
            case 'run':
                flags = parsed.flags;
                secrets.add(passwordOf(flags['base-url'] ?? ''));
                if (parsed.command === 'export')
                    return await runExport(parsed.flags, cli);
                if (parsed.command === 'pull')
                    return await runPull(parsed.flags, cli);
                return await runConfig(parsed.command, parsed.flags, cli);
        }
    }
    catch (e) {
        cli.stderr.write(forTerminal(explain(e, cli, flags), secrets));
        return 1;
    }
}
/** Each kind of failure in the words that help: where in the file, which flag, what the API said. */
function explain(e, cli, flags) {
    if (e instanceof UsageError) {
        const help = e.command ? `${PROGRAM} ${e.command} --help` : `${PROGRAM} --help`;
        return `${PROGRAM}: ${e.message}\nRun "${help}" for usage.\n`;
    }
    if (e instanceof errors_ConfigErrors) {
        const lines = e.errors.map((err) => `${err.toString()} [${err.code}]`);
        return [...lines, `${e.message}; ${nothingDone(e)}`, ''].join('\n');
    }
    if (e instanceof InputError)
        return `${PROGRAM}: ${e.message}\n`;
    if (e instanceof errors_ApiError)
        return `${PROGRAM}: ${e.describe()}${hint(e, cli.env, flags)}\n`;
    return `${PROGRAM}: ${e instanceof Error ? e.message : String(e)}\n`;
}
/** The environment variables and flags a person at a terminal set: the data center by the one they used. */
function hint(e, env, flags) {
    const names = {
        clientId: 'ACRONIS_CLIENT_ID',
        clientSecret: 'ACRONIS_CLIENT_SECRET',
        token: 'ACRONIS_TOKEN',
        baseUrl: flags['base-url'] ? '--base-url' : 'ACRONIS_BASE_URL',
    };
    const text = authHint(e, Boolean(env.ACRONIS_TOKEN), names);
    return text ? `\n${text}` : '';
}


/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 7349:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveBlockMap = __nccwpck_require__(7103);
var resolveBlockSeq = __nccwpck_require__(334);
var resolveFlowCollection = __nccwpck_require__(3142);

function resolveCollection(CN, ctx, token, onError, tagName, tag) {
    const coll = token.type === 'block-map'
        ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag)
        : token.type === 'block-seq'
            ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag)
            : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
    const Coll = coll.constructor;
    // If we got a tagName matching the class, or the tag name is '!',
    // then use the tagName from the node class used to create it.
    if (tagName === '!' || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
    }
    if (tagName)
        coll.tag = tagName;
    return coll;
}
function composeCollection(CN, ctx, token, props, onError) {
    const tagToken = props.tag;
    const tagName = !tagToken
        ? null
        : ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg));
    if (token.type === 'block-seq') {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken
            ? anchor.offset > tagToken.offset
                ? anchor
                : tagToken
            : (anchor ?? tagToken);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
            const message = 'Missing newline after block sequence props';
            onError(lastProp, 'MISSING_CHAR', message);
        }
    }
    const expType = token.type === 'block-map'
        ? 'map'
        : token.type === 'block-seq'
            ? 'seq'
            : token.start.source === '{'
                ? 'map'
                : 'seq';
    // shortcut: check if it's a generic YAMLMap or YAMLSeq
    // before jumping into the custom tag logic.
    if (!tagToken ||
        !tagName ||
        tagName === '!' ||
        (tagName === YAMLMap.YAMLMap.tagName && expType === 'map') ||
        (tagName === YAMLSeq.YAMLSeq.tagName && expType === 'seq')) {
        return resolveCollection(CN, ctx, token, onError, tagName);
    }
    let tag = ctx.schema.tags.find(t => t.tag === tagName && t.collection === expType);
    if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt && kt.collection === expType) {
            ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
            tag = kt;
        }
        else {
            if (kt) {
                onError(tagToken, 'BAD_COLLECTION_TYPE', `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? 'scalar'}`, true);
            }
            else {
                onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, true);
            }
            return resolveCollection(CN, ctx, token, onError, tagName);
        }
    }
    const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
    const res = tag.resolve?.(coll, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg), ctx.options) ?? coll;
    const node = identity.isNode(res)
        ? res
        : new Scalar.Scalar(res);
    node.range = coll.range;
    node.tag = tagName;
    if (tag?.format)
        node.format = tag.format;
    return node;
}

exports.composeCollection = composeCollection;


/***/ }),

/***/ 3683:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Document = __nccwpck_require__(3021);
var composeNode = __nccwpck_require__(5937);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);

function composeDoc(options, directives, { offset, start, value, end }, onError) {
    const opts = Object.assign({ _directives: directives }, options);
    const doc = new Document.Document(undefined, opts);
    const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
    };
    const props = resolveProps.resolveProps(start, {
        indicator: 'doc-start',
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
    });
    if (props.found) {
        doc.directives.docStart = true;
        if (value &&
            (value.type === 'block-map' || value.type === 'block-seq') &&
            !props.hasNewline)
            onError(props.end, 'MISSING_CHAR', 'Block collection cannot start on same line with directives-end marker');
    }
    // @ts-expect-error If Contents is set, let's trust the user
    doc.contents = value
        ? composeNode.composeNode(ctx, value, props, onError)
        : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
    const contentEnd = doc.contents.range[2];
    const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
    if (re.comment)
        doc.comment = re.comment;
    doc.range = [offset, contentEnd, re.offset];
    return doc;
}

exports.composeDoc = composeDoc;


/***/ }),

/***/ 5937:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var composeCollection = __nccwpck_require__(7349);
var composeScalar = __nccwpck_require__(5413);
var resolveEnd = __nccwpck_require__(7788);
var utilEmptyScalarPosition = __nccwpck_require__(2599);

const CN = { composeNode, composeEmptyNode };
function composeNode(ctx, token, props, onError) {
    const atKey = ctx.atKey;
    const { spaceBefore, comment, anchor, tag } = props;
    let node;
    let isSrcToken = true;
    switch (token.type) {
        case 'alias':
            node = composeAlias(ctx, token, onError);
            if (anchor || tag)
                onError(token, 'ALIAS_PROPS', 'An alias node must not specify any properties');
            break;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'block-scalar':
            node = composeScalar.composeScalar(ctx, token, tag, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        case 'block-map':
        case 'block-seq':
        case 'flow-collection':
            node = composeCollection.composeCollection(CN, ctx, token, props, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        default: {
            const message = token.type === 'error'
                ? token.message
                : `Unsupported token (type: ${token.type})`;
            onError(token, 'UNEXPECTED_TOKEN', message);
            node = composeEmptyNode(ctx, token.offset, undefined, null, props, onError);
            isSrcToken = false;
        }
    }
    if (anchor && node.anchor === '')
        onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    if (atKey &&
        ctx.options.stringKeys &&
        (!identity.isScalar(node) ||
            typeof node.value !== 'string' ||
            (node.tag && node.tag !== 'tag:yaml.org,2002:str'))) {
        const msg = 'With stringKeys, all keys must be strings';
        onError(tag ?? token, 'NON_STRING_KEY', msg);
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        if (token.type === 'scalar' && token.source === '')
            node.comment = comment;
        else
            node.commentBefore = comment;
    }
    // @ts-expect-error Type checking misses meaning of isSrcToken
    if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
    return node;
}
function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
    const token = {
        type: 'scalar',
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ''
    };
    const node = composeScalar.composeScalar(ctx, token, tag, onError);
    if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === '')
            onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        node.comment = comment;
        node.range[2] = end;
    }
    return node;
}
function composeAlias({ options }, { offset, source, end }, onError) {
    const alias = new Alias.Alias(source.substring(1));
    if (alias.source === '')
        onError(offset, 'BAD_ALIAS', 'Alias cannot be an empty string');
    if (alias.source.endsWith(':'))
        onError(offset + source.length - 1, 'BAD_ALIAS', 'Alias ending in : is ambiguous', true);
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
    alias.range = [offset, valueEnd, re.offset];
    if (re.comment)
        alias.comment = re.comment;
    return alias;
}

exports.composeEmptyNode = composeEmptyNode;
exports.composeNode = composeNode;


/***/ }),

/***/ 5413:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);

function composeScalar(ctx, token, tagToken, onError) {
    const { value, type, comment, range } = token.type === 'block-scalar'
        ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError)
        : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
    const tagName = tagToken
        ? ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg))
        : null;
    let tag;
    if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
    }
    else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
    else if (token.type === 'scalar')
        tag = findScalarTagByTest(ctx, value, token, onError);
    else
        tag = ctx.schema[identity.SCALAR];
    let scalar;
    try {
        const res = tag.resolve(value, msg => onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
    }
    catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg);
        scalar = new Scalar.Scalar(value);
    }
    scalar.range = range;
    scalar.source = value;
    if (type)
        scalar.type = type;
    if (tagName)
        scalar.tag = tagName;
    if (tag.format)
        scalar.format = tag.format;
    if (comment)
        scalar.comment = comment;
    return scalar;
}
function findScalarTagByName(schema, value, tagName, tagToken, onError) {
    if (tagName === '!')
        return schema[identity.SCALAR]; // non-specific tag
    const matchWithTest = [];
    for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
            if (tag.default && tag.test)
                matchWithTest.push(tag);
            else
                return tag;
        }
    }
    for (const tag of matchWithTest)
        if (tag.test?.test(value))
            return tag;
    const kt = schema.knownTags[tagName];
    if (kt && !kt.collection) {
        // Ensure that the known tag is available for stringifying,
        // but does not get used by default.
        schema.tags.push(Object.assign({}, kt, { default: false, test: undefined }));
        return kt;
    }
    onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, tagName !== 'tag:yaml.org,2002:str');
    return schema[identity.SCALAR];
}
function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&
        tag.test?.test(value)) || schema[identity.SCALAR];
    if (schema.compat) {
        const compat = schema.compat.find(tag => tag.default && tag.test?.test(value)) ??
            schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
            const ts = directives.tagString(tag.tag);
            const cs = directives.tagString(compat.tag);
            const msg = `Value may be parsed as either ${ts} or ${cs}`;
            onError(token, 'TAG_RESOLVE_FAILED', msg, true);
        }
    }
    return tag;
}

exports.composeScalar = composeScalar;


/***/ }),

/***/ 9984:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var directives = __nccwpck_require__(1342);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var identity = __nccwpck_require__(1127);
var composeDoc = __nccwpck_require__(3683);
var resolveEnd = __nccwpck_require__(7788);

function getErrorPos(src) {
    if (typeof src === 'number')
        return [src, src + 1];
    if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
    const { offset, source } = src;
    return [offset, offset + (typeof source === 'string' ? source.length : 1)];
}
function parsePrelude(prelude) {
    let comment = '';
    let atComment = false;
    let afterEmptyLine = false;
    for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
            case '#':
                comment +=
                    (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
                        (source.substring(1) || ' ');
                atComment = true;
                afterEmptyLine = false;
                break;
            case '%':
                if (prelude[i + 1]?.[0] !== '#')
                    i += 1;
                atComment = false;
                break;
            default:
                // This may be wrong after doc-end, but in that case it doesn't matter
                if (!atComment)
                    afterEmptyLine = true;
                atComment = false;
        }
    }
    return { comment, afterEmptyLine };
}
/**
 * Compose a stream of CST nodes into a stream of YAML Documents.
 *
 * ```ts
 * import { Composer, Parser } from 'yaml'
 *
 * const src: string = ...
 * const tokens = new Parser().parse(src)
 * const docs = new Composer().compose(tokens)
 * ```
 */
class Composer {
    constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
            const pos = getErrorPos(source);
            if (warning)
                this.warnings.push(new errors.YAMLWarning(pos, code, message));
            else
                this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        this.directives = new directives.Directives({ version: options.version || '1.2' });
        this.options = options;
    }
    decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        //console.log({ dc: doc.comment, prelude, comment })
        if (comment) {
            const dc = doc.contents;
            if (afterDoc) {
                doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
            }
            else if (afterEmptyLine || doc.directives.docStart || !dc) {
                doc.commentBefore = comment;
            }
            else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
                let it = dc.items[0];
                if (identity.isPair(it))
                    it = it.key;
                const cb = it.commentBefore;
                it.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
            else {
                const cb = dc.commentBefore;
                dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
        }
        if (afterDoc) {
            Array.prototype.push.apply(doc.errors, this.errors);
            Array.prototype.push.apply(doc.warnings, this.warnings);
        }
        else {
            doc.errors = this.errors;
            doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
    }
    /**
     * Current stream status information.
     *
     * Mostly useful at the end of input for an empty stream.
     */
    streamInfo() {
        return {
            comment: parsePrelude(this.prelude).comment,
            directives: this.directives,
            errors: this.errors,
            warnings: this.warnings
        };
    }
    /**
     * Compose tokens into documents.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
            yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
    }
    /** Advance the composer by one CST token. */
    *next(token) {
        if (false)
            console.dir(token, { depth: null });
        switch (token.type) {
            case 'directive':
                this.directives.add(token.source, (offset, message, warning) => {
                    const pos = getErrorPos(token);
                    pos[0] += offset;
                    this.onError(pos, 'BAD_DIRECTIVE', message, warning);
                });
                this.prelude.push(token.source);
                this.atDirectives = true;
                break;
            case 'document': {
                const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
                if (this.atDirectives && !doc.directives.docStart)
                    this.onError(token, 'MISSING_CHAR', 'Missing directives-end/doc-start indicator line');
                this.decorate(doc, false);
                if (this.doc)
                    yield this.doc;
                this.doc = doc;
                this.atDirectives = false;
                break;
            }
            case 'byte-order-mark':
            case 'space':
                break;
            case 'comment':
            case 'newline':
                this.prelude.push(token.source);
                break;
            case 'error': {
                const msg = token.source
                    ? `${token.message}: ${JSON.stringify(token.source)}`
                    : token.message;
                const error = new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg);
                if (this.atDirectives || !this.doc)
                    this.errors.push(error);
                else
                    this.doc.errors.push(error);
                break;
            }
            case 'doc-end': {
                if (!this.doc) {
                    const msg = 'Unexpected doc-end without preceding document';
                    this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg));
                    break;
                }
                this.doc.directives.docEnd = true;
                const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
                this.decorate(this.doc, true);
                if (end.comment) {
                    const dc = this.doc.comment;
                    this.doc.comment = dc ? `${dc}\n${end.comment}` : end.comment;
                }
                this.doc.range[2] = end.offset;
                break;
            }
            default:
                this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', `Unsupported token ${token.type}`));
        }
    }
    /**
     * Call at end of input to yield any remaining document.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
            this.decorate(this.doc, true);
            yield this.doc;
            this.doc = null;
        }
        else if (forceDoc) {
            const opts = Object.assign({ _directives: this.directives }, this.options);
            const doc = new Document.Document(undefined, opts);
            if (this.atDirectives)
                this.onError(endOffset, 'MISSING_CHAR', 'Missing directives-end indicator line');
            doc.range = [0, endOffset, endOffset];
            this.decorate(doc, false);
            yield doc;
        }
    }
}

exports.Composer = Composer;


/***/ }),

/***/ 7103:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilFlowIndentCheck = __nccwpck_require__(4051);
var utilMapIncludes = __nccwpck_require__(1187);

const startColMsg = 'All mapping items must start at the same column';
function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
    const map = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd = null;
    for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        // key properties
        const keyProps = resolveProps.resolveProps(start, {
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: bm.indent,
            startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
            if (key) {
                if (key.type === 'block-seq')
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'A block sequence may not be used as an implicit map key');
                else if ('indent' in key && key.indent !== bm.indent)
                    onError(offset, 'BAD_INDENT', startColMsg);
            }
            if (!keyProps.anchor && !keyProps.tag && !sep) {
                commentEnd = keyProps.end;
                if (keyProps.comment) {
                    if (map.comment)
                        map.comment += '\n' + keyProps.comment;
                    else
                        map.comment = keyProps.comment;
                }
                continue;
            }
            if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
                onError(key ?? start[start.length - 1], 'MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line');
            }
        }
        else if (keyProps.found?.indent !== bm.indent) {
            onError(offset, 'BAD_INDENT', startColMsg);
        }
        // key value
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key
            ? composeNode(ctx, key, keyProps, onError)
            : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
            onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
        // value properties
        const valueProps = resolveProps.resolveProps(sep ?? [], {
            indicator: 'map-value-ind',
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: bm.indent,
            startOnNewline: !key || key.type === 'block-scalar'
        });
        offset = valueProps.end;
        if (valueProps.found) {
            if (implicitKey) {
                if (value?.type === 'block-map' && !valueProps.hasNewline)
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'Nested mappings are not allowed in compact mappings');
                if (ctx.options.strict &&
                    keyProps.start < valueProps.found.offset - 1024)
                    onError(keyNode.range, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key');
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
            if (ctx.schema.compat)
                utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
            offset = valueNode.range[2];
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
        else {
            // key with no value
            if (implicitKey)
                onError(keyNode.range, 'MISSING_CHAR', 'Implicit map keys need to be followed by map values');
            if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
    }
    if (commentEnd && commentEnd < offset)
        onError(commentEnd, 'IMPOSSIBLE', 'Map comment with trailing content');
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
}

exports.resolveBlockMap = resolveBlockMap;


/***/ }),

/***/ 8913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function resolveBlockScalar(ctx, scalar, onError) {
    const start = scalar.offset;
    const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
    if (!header)
        return { value: '', type: null, comment: '', range: [start, start, start] };
    const type = header.mode === '>' ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
    const lines = scalar.source ? splitLines(scalar.source) : [];
    // determine the end of content & start of chomping
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === '' || content === '\r')
            chompStart = i;
        else
            break;
    }
    // shortcut for empty contents
    if (chompStart === 0) {
        const value = header.chomp === '+' && lines.length > 0
            ? '\n'.repeat(Math.max(1, lines.length - 1))
            : '';
        let end = start + header.length;
        if (scalar.source)
            end += scalar.source.length;
        return { value, type, comment: header.comment, range: [start, end, end] };
    }
    // find the indentation level to trim from start
    let trimIndent = scalar.indent + header.indent;
    let offset = scalar.offset + header.length;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === '' || content === '\r') {
            if (header.indent === 0 && indent.length > trimIndent)
                trimIndent = indent.length;
        }
        else {
            if (indent.length < trimIndent) {
                const message = 'Block scalars with more-indented leading empty lines must use an explicit indentation indicator';
                onError(offset + indent.length, 'MISSING_CHAR', message);
            }
            if (header.indent === 0)
                trimIndent = indent.length;
            contentStart = i;
            if (trimIndent === 0 && !ctx.atRoot) {
                const message = 'Block scalar values in collections must be indented';
                onError(offset, 'BAD_INDENT', message);
            }
            break;
        }
        offset += indent.length + content.length + 1;
    }
    // include trailing more-indented empty lines in content
    for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
            chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    // leading whitespace is kept intact
    for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === '\r';
        if (crlf)
            content = content.slice(0, -1);
        /* istanbul ignore if already caught in lexer */
        if (content && indent.length < trimIndent) {
            const src = header.indent
                ? 'explicit indentation indicator'
                : 'first line';
            const message = `Block scalar lines must not be less indented than their ${src}`;
            onError(offset - content.length - (crlf ? 2 : 1), 'BAD_INDENT', message);
            indent = '';
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
        }
        else if (indent.length > trimIndent || content[0] === '\t') {
            // more-indented content within a folded block
            if (sep === ' ')
                sep = '\n';
            else if (!prevMoreIndented && sep === '\n')
                sep = '\n\n';
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
            prevMoreIndented = true;
        }
        else if (content === '') {
            // empty line
            if (sep === '\n')
                value += '\n';
            else
                sep = '\n';
        }
        else {
            value += sep + content;
            sep = ' ';
            prevMoreIndented = false;
        }
    }
    switch (header.chomp) {
        case '-':
            break;
        case '+':
            for (let i = chompStart; i < lines.length; ++i)
                value += '\n' + lines[i][0].slice(trimIndent);
            if (value[value.length - 1] !== '\n')
                value += '\n';
            break;
        default:
            value += '\n';
    }
    const end = start + header.length + scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
}
function parseBlockScalarHeader({ offset, props }, strict, onError) {
    /* istanbul ignore if should not happen */
    if (props[0].type !== 'block-scalar-header') {
        onError(props[0], 'IMPOSSIBLE', 'Block scalar header not found');
        return null;
    }
    const { source } = props[0];
    const mode = source[0];
    let indent = 0;
    let chomp = '';
    let error = -1;
    for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === '-' || ch === '+'))
            chomp = ch;
        else {
            const n = Number(ch);
            if (!indent && n)
                indent = n;
            else if (error === -1)
                error = offset + i;
        }
    }
    if (error !== -1)
        onError(error, 'UNEXPECTED_TOKEN', `Block scalar header includes extra characters: ${source}`);
    let hasSpace = false;
    let comment = '';
    let length = source.length;
    for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
            case 'space':
                hasSpace = true;
            // fallthrough
            case 'newline':
                length += token.source.length;
                break;
            case 'comment':
                if (strict && !hasSpace) {
                    const message = 'Comments must be separated from other tokens by white space characters';
                    onError(token, 'MISSING_CHAR', message);
                }
                length += token.source.length;
                comment = token.source.substring(1);
                break;
            case 'error':
                onError(token, 'UNEXPECTED_TOKEN', token.message);
                length += token.source.length;
                break;
            /* istanbul ignore next should not happen */
            default: {
                const message = `Unexpected token in block scalar header: ${token.type}`;
                onError(token, 'UNEXPECTED_TOKEN', message);
                const ts = token.source;
                if (ts && typeof ts === 'string')
                    length += ts.length;
            }
        }
    }
    return { mode, indent, chomp, comment, length };
}
/** @returns Array of lines split up as `[indent, content]` */
function splitLines(source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = first.match(/^( *)/);
    const line0 = m?.[1]
        ? [m[1], first.slice(m[1].length)]
        : ['', first];
    const lines = [line0];
    for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
    return lines;
}

exports.resolveBlockScalar = resolveBlockScalar;


/***/ }),

/***/ 334:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var YAMLSeq = __nccwpck_require__(2223);
var resolveProps = __nccwpck_require__(4631);
var utilFlowIndentCheck = __nccwpck_require__(4051);

function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
    const seq = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd = null;
    for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
            indicator: 'seq-item-ind',
            next: value,
            offset,
            onError,
            parentIndent: bs.indent,
            startOnNewline: true
        });
        if (!props.found) {
            if (props.anchor || props.tag || value) {
                if (value && value.type === 'block-seq')
                    onError(props.end, 'BAD_INDENT', 'All sequence items must start at the same column');
                else
                    onError(offset, 'MISSING_CHAR', 'Sequence item without - indicator');
            }
            else {
                commentEnd = props.end;
                if (props.comment)
                    seq.comment = props.comment;
                continue;
            }
        }
        const node = value
            ? composeNode(ctx, value, props, onError)
            : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
}

exports.resolveBlockSeq = resolveBlockSeq;


/***/ }),

/***/ 7788:
/***/ ((__unused_webpack_module, exports) => {



function resolveEnd(end, offset, reqSpace, onError) {
    let comment = '';
    if (end) {
        let hasSpace = false;
        let sep = '';
        for (const token of end) {
            const { source, type } = token;
            switch (type) {
                case 'space':
                    hasSpace = true;
                    break;
                case 'comment': {
                    if (reqSpace && !hasSpace)
                        onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                    const cb = source.substring(1) || ' ';
                    if (!comment)
                        comment = cb;
                    else
                        comment += sep + cb;
                    sep = '';
                    break;
                }
                case 'newline':
                    if (comment)
                        sep += source;
                    hasSpace = true;
                    break;
                default:
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${type} at node end`);
            }
            offset += source.length;
        }
    }
    return { comment, offset };
}

exports.resolveEnd = resolveEnd;


/***/ }),

/***/ 3142:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilMapIncludes = __nccwpck_require__(1187);

const blockMsg = 'Block collections are not allowed within flow collections';
const isBlock = (token) => token && (token.type === 'block-map' || token.type === 'block-seq');
function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
    const isMap = fc.start.source === '{';
    const fcName = isMap ? 'flow map' : 'flow sequence';
    const NodeClass = (tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq));
    const coll = new NodeClass(ctx.schema);
    coll.flow = true;
    const atRoot = ctx.atRoot;
    if (atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
            flow: fcName,
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
        });
        if (!props.found) {
            if (!props.anchor && !props.tag && !sep && !value) {
                if (i === 0 && props.comma)
                    onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
                else if (i < fc.items.length - 1)
                    onError(props.start, 'UNEXPECTED_TOKEN', `Unexpected empty item in ${fcName}`);
                if (props.comment) {
                    if (coll.comment)
                        coll.comment += '\n' + props.comment;
                    else
                        coll.comment = props.comment;
                }
                offset = props.end;
                continue;
            }
            if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
                onError(key, // checked by containsNewline()
                'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
        }
        if (i === 0) {
            if (props.comma)
                onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
        }
        else {
            if (!props.comma)
                onError(props.start, 'MISSING_CHAR', `Missing , between ${fcName} items`);
            if (props.comment) {
                let prevItemComment = '';
                loop: for (const st of start) {
                    switch (st.type) {
                        case 'comma':
                        case 'space':
                            break;
                        case 'comment':
                            prevItemComment = st.source.substring(1);
                            break loop;
                        default:
                            break loop;
                    }
                }
                if (prevItemComment) {
                    let prev = coll.items[coll.items.length - 1];
                    if (identity.isPair(prev))
                        prev = prev.value ?? prev.key;
                    if (prev.comment)
                        prev.comment += '\n' + prevItemComment;
                    else
                        prev.comment = prevItemComment;
                    props.comment = props.comment.substring(prevItemComment.length + 1);
                }
            }
        }
        if (!isMap && !sep && !props.found) {
            // item is a value in a seq
            // \u2192 key & sep are empty, start does not include ? or :
            const valueNode = value
                ? composeNode(ctx, value, props, onError)
                : composeEmptyNode(ctx, props.end, sep, null, props, onError);
            coll.items.push(valueNode);
            offset = valueNode.range[2];
            if (isBlock(value))
                onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
        }
        else {
            // item is a key+value pair
            // key value
            ctx.atKey = true;
            const keyStart = props.end;
            const keyNode = key
                ? composeNode(ctx, key, props, onError)
                : composeEmptyNode(ctx, keyStart, start, null, props, onError);
            if (isBlock(key))
                onError(keyNode.range, 'BLOCK_IN_FLOW', blockMsg);
            ctx.atKey = false;
            // value properties
            const valueProps = resolveProps.resolveProps(sep ?? [], {
                flow: fcName,
                indicator: 'map-value-ind',
                next: value,
                offset: keyNode.range[2],
                onError,
                parentIndent: fc.indent,
                startOnNewline: false
            });
            if (valueProps.found) {
                if (!isMap && !props.found && ctx.options.strict) {
                    if (sep)
                        for (const st of sep) {
                            if (st === valueProps.found)
                                break;
                            if (st.type === 'newline') {
                                onError(st, 'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
                                break;
                            }
                        }
                    if (props.start < valueProps.found.offset - 1024)
                        onError(valueProps.found, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit flow sequence key');
                }
            }
            else if (value) {
                if ('source' in value && value.source && value.source[0] === ':')
                    onError(value, 'MISSING_CHAR', `Missing space after : in ${fcName}`);
                else
                    onError(valueProps.start, 'MISSING_CHAR', `Missing , or : between ${fcName} items`);
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : valueProps.found
                    ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError)
                    : null;
            if (valueNode) {
                if (isBlock(value))
                    onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
            }
            else if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            if (isMap) {
                const map = coll;
                if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
                    onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
                map.items.push(pair);
            }
            else {
                const map = new YAMLMap.YAMLMap(ctx.schema);
                map.flow = true;
                map.items.push(pair);
                const endRange = (valueNode ?? keyNode).range;
                map.range = [keyNode.range[0], endRange[1], endRange[2]];
                coll.items.push(map);
            }
            offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
    }
    const expectedEnd = isMap ? '}' : ']';
    const [ce, ...ee] = fc.end;
    let cePos = offset;
    if (ce && ce.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
    else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot
            ? `${name} must end with a ${expectedEnd}`
            : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? 'MISSING_CHAR' : 'BAD_INDENT', msg);
        if (ce && ce.source.length !== 1)
            ee.unshift(ce);
    }
    if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
            if (coll.comment)
                coll.comment += '\n' + end.comment;
            else
                coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
    }
    else {
        coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
}

exports.resolveFlowCollection = resolveFlowCollection;


/***/ }),

/***/ 6842:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var resolveEnd = __nccwpck_require__(7788);

function resolveFlowScalar(scalar, strict, onError) {
    const { offset, type, source, end } = scalar;
    let _type;
    let value;
    const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
    switch (type) {
        case 'scalar':
            _type = Scalar.Scalar.PLAIN;
            value = plainValue(source, _onError);
            break;
        case 'single-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_SINGLE;
            value = singleQuotedValue(source, _onError);
            break;
        case 'double-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_DOUBLE;
            value = doubleQuotedValue(source, _onError);
            break;
        /* istanbul ignore next should not happen */
        default:
            onError(scalar, 'UNEXPECTED_TOKEN', `Expected a flow scalar value, but found: ${type}`);
            return {
                value: '',
                type: null,
                comment: '',
                range: [offset, offset + source.length, offset + source.length]
            };
    }
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
    return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
    };
}
function plainValue(source, onError) {
    let badChar = '';
    switch (source[0]) {
        /* istanbul ignore next should not happen */
        case '\t':
            badChar = 'a tab character';
            break;
        case ',':
            badChar = 'flow indicator character ,';
            break;
        case '%':
            badChar = 'directive indicator character %';
            break;
        case '|':
        case '>': {
            badChar = `block scalar indicator ${source[0]}`;
            break;
        }
        case '@':
        case '`': {
            badChar = `reserved character ${source[0]}`;
            break;
        }
    }
    if (badChar)
        onError(0, 'BAD_SCALAR_START', `Plain value cannot start with ${badChar}`);
    return foldLines(source);
}
function singleQuotedValue(source, onError) {
    if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, 'MISSING_CHAR', "Missing closing 'quote");
    return foldLines(source.slice(1, -1)).replace(/''/g, "'");
}
function foldLines(source) { if (source.indexOf('\n') < 0) return source;
    /**
     * The negative lookbehind here and in the `re` RegExp is to
     * prevent causing a polynomial search time in certain cases.
     *
     * The try-catch is for Safari, which doesn't support this yet:
     * https://caniuse.com/js-regexp-lookbehind
     */
    let first, line;
    try {
        first = new RegExp('(.*?)(?<![ \t])[ \t]*\r?\n', 'sy');
        line = new RegExp('[ \t]*(.*?)(?:(?<![ \t])[ \t]*)?\r?\n', 'sy');
    }
    catch {
        first = /(.*?)[ \t]*\r?\n/sy;
        line = /[ \t]*(.*?)[ \t]*\r?\n/sy;
    }
    let match = first.exec(source);
    if (!match)
        return source;
    let res = match[1];
    let sep = ' ';
    let pos = first.lastIndex;
    line.lastIndex = pos;
    while ((match = line.exec(source))) {
        if (match[1] === '') {
            if (sep === '\n')
                res += sep;
            else
                sep = '\n';
        }
        else {
            res += sep + match[1];
            sep = ' ';
        }
        pos = line.lastIndex;
    }
    const last = /[ \t]*(.*)/sy;
    last.lastIndex = pos;
    match = last.exec(source);
    return res + sep + (match?.[1] ?? '');
}
function doubleQuotedValue(source, onError) {
    let res = '';
    for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === '\r' && source[i + 1] === '\n')
            continue;
        if (ch === '\n') {
            const { fold, offset } = foldNewline(source, i);
            res += fold;
            i = offset;
        }
        else if (ch === '\\') {
            let next = source[++i];
            const cc = escapeCodes[next];
            if (cc)
                res += cc;
            else if (next === '\n') {
                // skip escaped newlines, but still trim the following line
                next = source[i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === '\r' && source[i + 1] === '\n') {
                // skip escaped CRLF newlines, but still trim the following line
                next = source[++i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === 'x' || next === 'u' || next === 'U') {
                const length = { x: 2, u: 4, U: 8 }[next];
                res += parseCharCode(source, i + 1, length, onError);
                i += length;
            }
            else {
                const raw = source.substr(i - 1, 2);
                onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
                res += raw;
            }
        }
        else if (ch === ' ' || ch === '\t') {
            // trim trailing whitespace
            const wsStart = i;
            let next = source[i + 1];
            while (next === ' ' || next === '\t')
                next = source[++i + 1];
            if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
                res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        }
        else {
            res += ch;
        }
    }
    if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
    return res;
}
/**
 * Fold a single newline into a space, multiple newlines to N - 1 newlines.
 * Presumes `source[offset] === '\n'`
 */
function foldNewline(source, offset) {
    let fold = '';
    let ch = source[offset + 1];
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        if (ch === '\r' && source[offset + 2] !== '\n')
            break;
        if (ch === '\n')
            fold += '\n';
        offset += 1;
        ch = source[offset + 1];
    }
    if (!fold)
        fold = ' ';
    return { fold, offset };
}
const escapeCodes = {
    '0': '\0', // null character
    a: '\x07', // bell character
    b: '\b', // backspace
    e: '\x1b', // escape character
    f: '\f', // form feed
    n: '\n', // line feed
    r: '\r', // carriage return
    t: '\t', // horizontal tab
    v: '\v', // vertical tab
    N: '\u0085', // Unicode next line
    _: '\u00a0', // Unicode non-breaking space
    L: '\u2028', // Unicode line separator
    P: '\u2029', // Unicode paragraph separator
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    '\t': '\t'
};
function parseCharCode(source, offset, length, onError) {
    const cc = source.substr(offset, length);
    const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
    const code = ok ? parseInt(cc, 16) : NaN;
    if (isNaN(code)) {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        return raw;
    }
    return String.fromCodePoint(code);
}

exports.resolveFlowScalar = resolveFlowScalar;


/***/ }),

/***/ 4631:
/***/ ((__unused_webpack_module, exports) => {



function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
    let spaceBefore = false;
    let atNewline = startOnNewline;
    let hasSpace = startOnNewline;
    let comment = '';
    let commentSep = '';
    let hasNewline = false;
    let reqSpace = false;
    let tab = null;
    let anchor = null;
    let tag = null;
    let newlineAfterProp = null;
    let comma = null;
    let found = null;
    let start = null;
    for (const token of tokens) {
        if (reqSpace) {
            if (token.type !== 'space' &&
                token.type !== 'newline' &&
                token.type !== 'comma')
                onError(token.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
            reqSpace = false;
        }
        if (tab) {
            if (atNewline && token.type !== 'comment' && token.type !== 'newline') {
                onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
            }
            tab = null;
        }
        switch (token.type) {
            case 'space':
                // At the doc level, tabs at line start may be parsed
                // as leading white space rather than indentation.
                // In a flow collection, only the parser handles indent.
                if (!flow &&
                    (indicator !== 'doc-start' || next?.type !== 'flow-collection') &&
                    token.source.includes('\t')) {
                    tab = token;
                }
                hasSpace = true;
                break;
            case 'comment': {
                if (!hasSpace)
                    onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                const cb = token.source.substring(1) || ' ';
                if (!comment)
                    comment = cb;
                else
                    comment += commentSep + cb;
                commentSep = '';
                atNewline = false;
                break;
            }
            case 'newline':
                if (atNewline) {
                    if (comment)
                        comment += token.source;
                    else if (!found || indicator !== 'seq-item-ind')
                        spaceBefore = true;
                }
                else
                    commentSep += token.source;
                atNewline = true;
                hasNewline = true;
                if (anchor || tag)
                    newlineAfterProp = token;
                hasSpace = true;
                break;
            case 'anchor':
                if (anchor)
                    onError(token, 'MULTIPLE_ANCHORS', 'A node can have at most one anchor');
                if (token.source.endsWith(':'))
                    onError(token.offset + token.source.length - 1, 'BAD_ALIAS', 'Anchor ending in : is ambiguous', true);
                anchor = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            case 'tag': {
                if (tag)
                    onError(token, 'MULTIPLE_TAGS', 'A node can have at most one tag');
                tag = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            }
            case indicator:
                // Could here handle preceding comments differently
                if (anchor || tag)
                    onError(token, 'BAD_PROP_ORDER', `Anchors and tags must be after the ${token.source} indicator`);
                if (found)
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.source} in ${flow ?? 'collection'}`);
                found = token;
                atNewline =
                    indicator === 'seq-item-ind' || indicator === 'explicit-key-ind';
                hasSpace = false;
                break;
            case 'comma':
                if (flow) {
                    if (comma)
                        onError(token, 'UNEXPECTED_TOKEN', `Unexpected , in ${flow}`);
                    comma = token;
                    atNewline = false;
                    hasSpace = false;
                    break;
                }
            // else fallthrough
            default:
                onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.type} token`);
                atNewline = false;
                hasSpace = false;
        }
    }
    const last = tokens[tokens.length - 1];
    const end = last ? last.offset + last.source.length : offset;
    if (reqSpace &&
        next &&
        next.type !== 'space' &&
        next.type !== 'newline' &&
        next.type !== 'comma' &&
        (next.type !== 'scalar' || next.source !== '')) {
        onError(next.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
    }
    if (tab &&
        ((atNewline && tab.indent <= parentIndent) ||
            next?.type === 'block-map' ||
            next?.type === 'block-seq'))
        onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
    return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
    };
}

exports.resolveProps = resolveProps;


/***/ }),

/***/ 9499:
/***/ ((__unused_webpack_module, exports) => {



function containsNewline(key) {
    if (!key)
        return null;
    switch (key.type) {
        case 'alias':
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            if (key.source.includes('\n'))
                return true;
            if (key.end)
                for (const st of key.end)
                    if (st.type === 'newline')
                        return true;
            return false;
        case 'flow-collection':
            for (const it of key.items) {
                for (const st of it.start)
                    if (st.type === 'newline')
                        return true;
                if (it.sep)
                    for (const st of it.sep)
                        if (st.type === 'newline')
                            return true;
                if (containsNewline(it.key) || containsNewline(it.value))
                    return true;
            }
            return false;
        default:
            return true;
    }
}

exports.containsNewline = containsNewline;


/***/ }),

/***/ 2599:
/***/ ((__unused_webpack_module, exports) => {



function emptyScalarPosition(offset, before, pos) {
    if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
            let st = before[i];
            switch (st.type) {
                case 'space':
                case 'comment':
                case 'newline':
                    offset -= st.source.length;
                    continue;
            }
            // Technically, an empty scalar is immediately after the last non-empty
            // node, but it's more useful to place it after any whitespace.
            st = before[++i];
            while (st?.type === 'space') {
                offset += st.source.length;
                st = before[++i];
            }
            break;
        }
    }
    return offset;
}

exports.emptyScalarPosition = emptyScalarPosition;


/***/ }),

/***/ 4051:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var utilContainsNewline = __nccwpck_require__(9499);

function flowIndentCheck(indent, fc, onError) {
    if (fc?.type === 'flow-collection') {
        const end = fc.end[0];
        if (end.indent === indent &&
            (end.source === ']' || end.source === '}') &&
            utilContainsNewline.containsNewline(fc)) {
            const msg = 'Flow end indicator should be more indented than parent';
            onError(end, 'BAD_INDENT', msg, true);
        }
    }
}

exports.flowIndentCheck = flowIndentCheck;


/***/ }),

/***/ 1187:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

function mapIncludes(ctx, items, search) {
    const { uniqueKeys } = ctx.options;
    if (uniqueKeys === false)
        return false;
    const isEqual = typeof uniqueKeys === 'function'
        ? uniqueKeys
        : (a, b) => a === b || (identity.isScalar(a) && identity.isScalar(b) && a.value === b.value);
    return items.some(pair => isEqual(pair.key, search));
}

exports.mapIncludes = mapIncludes;


/***/ }),

/***/ 3021:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var toJS = __nccwpck_require__(4043);
var Schema = __nccwpck_require__(5840);
var stringifyDocument = __nccwpck_require__(6829);
var anchors = __nccwpck_require__(1596);
var applyReviver = __nccwpck_require__(3661);
var createNode = __nccwpck_require__(2404);
var directives = __nccwpck_require__(1342);

class Document {
    constructor(value, replacer, options) {
        /** A comment before this Document */
        this.commentBefore = null;
        /** A comment immediately after this Document */
        this.comment = null;
        /** Errors encountered during parsing. */
        this.errors = [];
        /** Warnings encountered during parsing. */
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === 'function' || Array.isArray(replacer)) {
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const opt = Object.assign({
            intAsBigInt: false,
            keepSourceTokens: false,
            logLevel: 'warn',
            prettyErrors: true,
            strict: true,
            stringKeys: false,
            uniqueKeys: true,
            version: '1.2'
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
            this.directives = options._directives.atDocument();
            if (this.directives.yaml.explicit)
                version = this.directives.yaml.version;
        }
        else
            this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        // @ts-expect-error We can't really know that this matches Contents.
        this.contents =
            value === undefined ? null : this.createNode(value, _replacer, options);
    }
    /**
     * Create a deep copy of this Document and its contents.
     *
     * Custom Node values that inherit from `Object` still refer to their original instances.
     */
    clone() {
        const copy = Object.create(Document.prototype, {
            [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
            copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        // @ts-expect-error We can't really know that this matches Contents.
        copy.contents = identity.isNode(this.contents)
            ? this.contents.clone(copy.schema)
            : this.contents;
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** Adds a value to the document. */
    add(value) {
        if (assertCollection(this.contents))
            this.contents.add(value);
    }
    /** Adds a value to the document. */
    addIn(path, value) {
        if (assertCollection(this.contents))
            this.contents.addIn(path, value);
    }
    /**
     * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
     *
     * If `node` already has an anchor, `name` is ignored.
     * Otherwise, the `node.anchor` value will be set to `name`,
     * or if an anchor with that name is already present in the document,
     * `name` will be used as a prefix for a new unique anchor.
     * If `name` is undefined, the generated anchor will use 'a' as a prefix.
     */
    createAlias(node, name) {
        if (!node.anchor) {
            const prev = anchors.anchorNames(this);
            node.anchor =
                // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
                !name || prev.has(name) ? anchors.findNewAnchor(name || 'a', prev) : name;
        }
        return new Alias.Alias(node.anchor);
    }
    createNode(value, replacer, options) {
        let _replacer = undefined;
        if (typeof replacer === 'function') {
            value = replacer.call({ '': value }, '', value);
            _replacer = replacer;
        }
        else if (Array.isArray(replacer)) {
            const keyToStr = (v) => typeof v === 'number' || v instanceof String || v instanceof Number;
            const asStr = replacer.filter(keyToStr).map(String);
            if (asStr.length > 0)
                replacer = replacer.concat(asStr);
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(this, 
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        anchorPrefix || 'a');
        const ctx = {
            aliasDuplicateObjects: aliasDuplicateObjects ?? true,
            keepUndefined: keepUndefined ?? false,
            onAnchor,
            onTagObj,
            replacer: _replacer,
            schema: this.schema,
            sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
            node.flow = true;
        setAnchors();
        return node;
    }
    /**
     * Convert a key and a value into a `Pair` using the current schema,
     * recursively wrapping all values as `Scalar` or `Collection` nodes.
     */
    createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
            if (this.contents == null)
                return false;
            // @ts-expect-error Presumed impossible if Strict extends false
            this.contents = null;
            return true;
        }
        return assertCollection(this.contents)
            ? this.contents.deleteIn(path)
            : false;
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    get(key, keepScalar) {
        return identity.isCollection(this.contents)
            ? this.contents.get(key, keepScalar)
            : undefined;
    }
    /**
     * Returns item at `path`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
            return !keepScalar && identity.isScalar(this.contents)
                ? this.contents.value
                : this.contents;
        return identity.isCollection(this.contents)
            ? this.contents.getIn(path, keepScalar)
            : undefined;
    }
    /**
     * Checks if the document includes a value with the key `key`.
     */
    has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
    }
    /**
     * Checks if the document includes a value at `path`.
     */
    hasIn(path) {
        if (Collection.isEmptyPath(path))
            return this.contents !== undefined;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    set(key, value) {
        if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, [key], value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.set(key, value);
        }
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = value;
        }
        else if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.setIn(path, value);
        }
    }
    /**
     * Change the YAML version and schema used by the document.
     * A `null` version disables support for directives, explicit tags, anchors, and aliases.
     * It also requires the `schema` option to be given as a `Schema` instance value.
     *
     * Overrides all previously set schema options.
     */
    setSchema(version, options = {}) {
        if (typeof version === 'number')
            version = String(version);
        let opt;
        switch (version) {
            case '1.1':
                if (this.directives)
                    this.directives.yaml.version = '1.1';
                else
                    this.directives = new directives.Directives({ version: '1.1' });
                opt = { resolveKnownTags: false, schema: 'yaml-1.1' };
                break;
            case '1.2':
            case 'next':
                if (this.directives)
                    this.directives.yaml.version = version;
                else
                    this.directives = new directives.Directives({ version });
                opt = { resolveKnownTags: true, schema: 'core' };
                break;
            case null:
                if (this.directives)
                    delete this.directives;
                opt = null;
                break;
            default: {
                const sv = JSON.stringify(version);
                throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
            }
        }
        // Not using `instanceof Schema` to allow for duck typing
        if (options.schema instanceof Object)
            this.schema = options.schema;
        else if (opt)
            this.schema = new Schema.Schema(Object.assign(opt, options));
        else
            throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
    }
    // json & jsonArg are only used from toJSON()
    toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
            anchors: new Map(),
            doc: this,
            keep: !json,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
    /**
     * A JSON representation of the document `contents`.
     *
     * @param jsonArg Used by `JSON.stringify` to indicate the array index or
     *   property name.
     */
    toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
    }
    /** A YAML representation of the document. */
    toString(options = {}) {
        if (this.errors.length > 0)
            throw new Error('Document with errors cannot be stringified');
        if ('indent' in options &&
            (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
            const s = JSON.stringify(options.indent);
            throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
    }
}
function assertCollection(contents) {
    if (identity.isCollection(contents))
        return true;
    throw new Error('Expected a YAML collection as document contents');
}

exports.Document = Document;


/***/ }),

/***/ 1596:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

/**
 * Verify that the input string is a valid anchor.
 *
 * Will throw on errors.
 */
function anchorIsValid(anchor) {
    if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
    }
    return true;
}
function anchorNames(root) {
    const anchors = new Set();
    visit.visit(root, {
        Value(_key, node) {
            if (node.anchor)
                anchors.add(node.anchor);
        }
    });
    return anchors;
}
/** Find a new anchor name with the given `prefix` and a one-indexed suffix. */
function findNewAnchor(prefix, exclude) {
    for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
            return name;
    }
}
function createNodeAnchors(doc, prefix) {
    const aliasObjects = [];
    const sourceObjects = new Map();
    let prevAnchors = null;
    return {
        onAnchor: (source) => {
            aliasObjects.push(source);
            prevAnchors ?? (prevAnchors = anchorNames(doc));
            const anchor = findNewAnchor(prefix, prevAnchors);
            prevAnchors.add(anchor);
            return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
            for (const source of aliasObjects) {
                const ref = sourceObjects.get(source);
                if (typeof ref === 'object' &&
                    ref.anchor &&
                    (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
                    ref.node.anchor = ref.anchor;
                }
                else {
                    const error = new Error('Failed to resolve repeated object (this should not happen)');
                    error.source = source;
                    throw error;
                }
            }
        },
        sourceObjects
    };
}

exports.anchorIsValid = anchorIsValid;
exports.anchorNames = anchorNames;
exports.createNodeAnchors = createNodeAnchors;
exports.findNewAnchor = findNewAnchor;


/***/ }),

/***/ 3661:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Applies the JSON.parse reviver algorithm as defined in the ECMA-262 spec,
 * in section 24.5.1.1 "Runtime Semantics: InternalizeJSONProperty" of the
 * 2021 edition: https://tc39.es/ecma262/#sec-json.parse
 *
 * Includes extensions for handling Map and Set objects.
 */
function applyReviver(reviver, obj, key, val) {
    if (val && typeof val === 'object') {
        if (Array.isArray(val)) {
            for (let i = 0, len = val.length; i < len; ++i) {
                const v0 = val[i];
                const v1 = applyReviver(reviver, val, String(i), v0);
                // eslint-disable-next-line @typescript-eslint/no-array-delete
                if (v1 === undefined)
                    delete val[i];
                else if (v1 !== v0)
                    val[i] = v1;
            }
        }
        else if (val instanceof Map) {
            for (const k of Array.from(val.keys())) {
                const v0 = val.get(k);
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    val.delete(k);
                else if (v1 !== v0)
                    val.set(k, v1);
            }
        }
        else if (val instanceof Set) {
            for (const v0 of Array.from(val)) {
                const v1 = applyReviver(reviver, val, v0, v0);
                if (v1 === undefined)
                    val.delete(v0);
                else if (v1 !== v0) {
                    val.delete(v0);
                    val.add(v1);
                }
            }
        }
        else {
            for (const [k, v0] of Object.entries(val)) {
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    delete val[k];
                else if (v1 !== v0)
                    val[k] = v1;
            }
        }
    }
    return reviver.call(obj, key, val);
}

exports.applyReviver = applyReviver;


/***/ }),

/***/ 2404:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

const defaultTagPrefix = 'tag:yaml.org,2002:';
function findTagObject(value, tagName, tags) {
    if (tagName) {
        const match = tags.filter(t => t.tag === tagName);
        const tagObj = match.find(t => !t.format) ?? match[0];
        if (!tagObj)
            throw new Error(`Tag ${tagName} not found`);
        return tagObj;
    }
    return tags.find(t => t.identify?.(value) && !t.format);
}
function createNode(value, tagName, ctx) {
    if (identity.isDocument(value))
        value = value.contents;
    if (identity.isNode(value))
        return value;
    if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
    }
    if (value instanceof String ||
        value instanceof Number ||
        value instanceof Boolean ||
        (typeof BigInt !== 'undefined' && value instanceof BigInt) // not supported everywhere
    ) {
        // https://tc39.es/ecma262/#sec-serializejsonproperty
        value = value.valueOf();
    }
    const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
    // Detect duplicate references to the same object & use Alias nodes for all
    // after first. The `ref` wrapper allows for circular references to resolve.
    let ref = undefined;
    if (aliasDuplicateObjects && value && typeof value === 'object') {
        ref = sourceObjects.get(value);
        if (ref) {
            ref.anchor ?? (ref.anchor = onAnchor(value));
            return new Alias.Alias(ref.anchor);
        }
        else {
            ref = { anchor: null, node: null };
            sourceObjects.set(value, ref);
        }
    }
    if (tagName?.startsWith('!!'))
        tagName = defaultTagPrefix + tagName.slice(2);
    let tagObj = findTagObject(value, tagName, schema.tags);
    if (!tagObj) {
        if (value && typeof value.toJSON === 'function') {
            // eslint-disable-next-line @typescript-eslint/no-unsafe-call
            value = value.toJSON();
        }
        if (!value || typeof value !== 'object') {
            const node = new Scalar.Scalar(value);
            if (ref)
                ref.node = node;
            return node;
        }
        tagObj =
            value instanceof Map
                ? schema[identity.MAP]
                : Symbol.iterator in Object(value)
                    ? schema[identity.SEQ]
                    : schema[identity.MAP];
    }
    if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
    }
    const node = tagObj?.createNode
        ? tagObj.createNode(ctx.schema, value, ctx)
        : typeof tagObj?.nodeClass?.from === 'function'
            ? tagObj.nodeClass.from(ctx.schema, value, ctx)
            : new Scalar.Scalar(value);
    if (tagName)
        node.tag = tagName;
    else if (!tagObj.default)
        node.tag = tagObj.tag;
    if (ref)
        ref.node = node;
    return node;
}

exports.createNode = createNode;


/***/ }),

/***/ 1342:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

const escapeChars = {
    '!': '%21',
    ',': '%2C',
    '[': '%5B',
    ']': '%5D',
    '{': '%7B',
    '}': '%7D'
};
const escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, ch => escapeChars[ch]);
class Directives {
    constructor(yaml, tags) {
        /**
         * The directives-end/doc-start marker `---`. If `null`, a marker may still be
         * included in the document's stringified representation.
         */
        this.docStart = null;
        /** The doc-end marker `...`.  */
        this.docEnd = false;
        this.yaml = Object.assign({}, Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, Directives.defaultTags, tags);
    }
    clone() {
        const copy = new Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
    }
    /**
     * During parsing, get a Directives instance for the current document and
     * update the stream state according to the current version's spec.
     */
    atDocument() {
        const res = new Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
            case '1.1':
                this.atNextDocument = true;
                break;
            case '1.2':
                this.atNextDocument = false;
                this.yaml = {
                    explicit: Directives.defaultYaml.explicit,
                    version: '1.2'
                };
                this.tags = Object.assign({}, Directives.defaultTags);
                break;
        }
        return res;
    }
    /**
     * @param onError - May be called even if the action was successful
     * @returns `true` on success
     */
    add(line, onError) {
        if (this.atNextDocument) {
            this.yaml = { explicit: Directives.defaultYaml.explicit, version: '1.1' };
            this.tags = Object.assign({}, Directives.defaultTags);
            this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
            case '%TAG': {
                if (parts.length !== 2) {
                    onError(0, '%TAG directive should contain exactly two parts');
                    if (parts.length < 2)
                        return false;
                }
                const [handle, prefix] = parts;
                this.tags[handle] = prefix;
                return true;
            }
            case '%YAML': {
                this.yaml.explicit = true;
                if (parts.length !== 1) {
                    onError(0, '%YAML directive should contain exactly one part');
                    return false;
                }
                const [version] = parts;
                if (version === '1.1' || version === '1.2') {
                    this.yaml.version = version;
                    return true;
                }
                else {
                    const isValid = /^\d+\.\d+$/.test(version);
                    onError(6, `Unsupported YAML version ${version}`, isValid);
                    return false;
                }
            }
            default:
                onError(0, `Unknown directive ${name}`, true);
                return false;
        }
    }
    /**
     * Resolves a tag, matching handles to those defined in %TAG directives.
     *
     * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
     *   `'!local'` tag, or `null` if unresolvable.
     */
    tagName(source, onError) {
        if (source === '!')
            return '!'; // non-specific tag
        if (source[0] !== '!') {
            onError(`Not a valid tag: ${source}`);
            return null;
        }
        if (source[1] === '<') {
            const verbatim = source.slice(2, -1);
            if (verbatim === '!' || verbatim === '!!') {
                onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
                return null;
            }
            if (source[source.length - 1] !== '>')
                onError('Verbatim tags must end with a >');
            return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
            onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
            try {
                return prefix + decodeURIComponent(suffix);
            }
            catch (error) {
                onError(String(error));
                return null;
            }
        }
        if (handle === '!')
            return source; // local tag
        onError(`Could not resolve tag: ${source}`);
        return null;
    }
    /**
     * Given a fully resolved tag, returns its printable string form,
     * taking into account current tag prefixes and defaults.
     */
    tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
            if (tag.startsWith(prefix))
                return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === '!' ? tag : `!<${tag}>`;
    }
    toString(doc) {
        const lines = this.yaml.explicit
            ? [`%YAML ${this.yaml.version || '1.2'}`]
            : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
            const tags = {};
            visit.visit(doc.contents, (_key, node) => {
                if (identity.isNode(node) && node.tag)
                    tags[node.tag] = true;
            });
            tagNames = Object.keys(tags);
        }
        else
            tagNames = [];
        for (const [handle, prefix] of tagEntries) {
            if (handle === '!!' && prefix === 'tag:yaml.org,2002:')
                continue;
            if (!doc || tagNames.some(tn => tn.startsWith(prefix)))
                lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join('\n');
    }
}
Directives.defaultYaml = { explicit: false, version: '1.2' };
Directives.defaultTags = { '!!': 'tag:yaml.org,2002:' };

exports.Directives = Directives;


/***/ }),

/***/ 1464:
/***/ ((__unused_webpack_module, exports) => {



class YAMLError extends Error {
    constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
    }
}
class YAMLParseError extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLParseError', pos, code, message);
    }
}
class YAMLWarning extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLWarning', pos, code, message);
    }
}
const prettifyError = (src, lc) => (error) => {
    if (error.pos[0] === -1)
        return;
    error.linePos = error.pos.map(pos => lc.linePos(pos));
    const { line, col } = error.linePos[0];
    error.message += ` at line ${line}, column ${col}`;
    let ci = col - 1;
    let lineStr = src
        .substring(lc.lineStarts[line - 1], lc.lineStarts[line])
        .replace(/[\n\r]+$/, '');
    // Trim to max 80 chars, keeping col position near the middle
    if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = '\u2026' + lineStr.substring(trimStart);
        ci -= trimStart - 1;
    }
    if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + '\u2026';
    // Include previous line in context if pointing at line start
    if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        // Regexp won't match if start is trimmed
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
            prev = prev.substring(0, 79) + '\u2026\n';
        lineStr = prev + lineStr;
    }
    if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end && end.line === line && end.col > col) {
            count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = ' '.repeat(ci) + '^'.repeat(count);
        error.message += `:\n\n${lineStr}\n${pointer}\n`;
    }
};

exports.YAMLError = YAMLError;
exports.YAMLParseError = YAMLParseError;
exports.YAMLWarning = YAMLWarning;
exports.prettifyError = prettifyError;


/***/ }),

/***/ 8815:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var Schema = __nccwpck_require__(5840);
var errors = __nccwpck_require__(1464);
var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);
var publicApi = __nccwpck_require__(4047);
var visit = __nccwpck_require__(204);



exports.Dk = composer.Composer;
exports.yo = Document.Document;
__webpack_unused_export__ = Schema.Schema;
__webpack_unused_export__ = errors.YAMLError;
exports.XT = errors.YAMLParseError;
__webpack_unused_export__ = errors.YAMLWarning;
__webpack_unused_export__ = Alias.Alias;
__webpack_unused_export__ = identity.isAlias;
__webpack_unused_export__ = identity.isCollection;
__webpack_unused_export__ = identity.isDocument;
exports.jh = identity.isMap;
exports.Ll = identity.isNode;
exports.tO = identity.isPair;
exports.jn = identity.isScalar;
exports.oP = identity.isSeq;
__webpack_unused_export__ = Pair.Pair;
__webpack_unused_export__ = Scalar.Scalar;
__webpack_unused_export__ = YAMLMap.YAMLMap;
__webpack_unused_export__ = YAMLSeq.YAMLSeq;
exports.DB = cst;
__webpack_unused_export__ = lexer.Lexer;
exports.HN = lineCounter.LineCounter;
exports.iX = parser.Parser;
__webpack_unused_export__ = publicApi.parse;
__webpack_unused_export__ = publicApi.parseAllDocuments;
__webpack_unused_export__ = publicApi.parseDocument;
exports.As = publicApi.stringify;
__webpack_unused_export__ = visit.visit;
__webpack_unused_export__ = visit.visitAsync;


/***/ }),

/***/ 7249:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);

function debug(logLevel, ...messages) {
    if (logLevel === 'debug')
        console.log(...messages);
}
function warn(logLevel, warning) {
    if (logLevel === 'debug' || logLevel === 'warn') {
        if (typeof node_process.emitWarning === 'function')
            node_process.emitWarning(warning);
        else
            console.warn(warning);
    }
}

exports.debug = debug;
exports.warn = warn;


/***/ }),

/***/ 4065:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var visit = __nccwpck_require__(204);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

class Alias extends Node.NodeBase {
    constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, 'tag', {
            set() {
                throw new Error('Alias nodes cannot have tags');
            }
        });
    }
    /**
     * Resolve the value of this alias within `doc`, finding the last
     * instance of the `source` anchor before this node.
     */
    resolve(doc, ctx) {
        let nodes;
        if (ctx?.aliasResolveCache) {
            nodes = ctx.aliasResolveCache;
        }
        else {
            nodes = [];
            visit.visit(doc, {
                Node: (_key, node) => {
                    if (identity.isAlias(node) || identity.hasAnchor(node))
                        nodes.push(node);
                }
            });
            if (ctx)
                ctx.aliasResolveCache = nodes;
        }
        let found = undefined;
        for (const node of nodes) {
            if (node === this)
                break;
            if (node.anchor === this.source)
                found = node;
        }
        return found;
    }
    toJSON(_arg, ctx) {
        if (!ctx)
            return { source: this.source };
        const { anchors, doc, maxAliasCount } = ctx;
        const source = this.resolve(doc, ctx);
        if (!source) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new ReferenceError(msg);
        }
        let data = anchors.get(source);
        if (!data) {
            // Resolve anchors for Node.prototype.toJS()
            toJS.toJS(source, null, ctx);
            data = anchors.get(source);
        }
        /* istanbul ignore if */
        if (!data || data.res === undefined) {
            const msg = 'This should not happen: Alias anchor was not resolved?';
            throw new ReferenceError(msg);
        }
        if (maxAliasCount >= 0) {
            data.count += 1;
            if (data.aliasCount === 0)
                data.aliasCount = getAliasCount(doc, source, anchors);
            if (data.count * data.aliasCount > maxAliasCount) {
                const msg = 'Excessive alias count indicates a resource exhaustion attack';
                throw new ReferenceError(msg);
            }
        }
        return data.res;
    }
    toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
            anchors.anchorIsValid(this.source);
            if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
                const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
                throw new Error(msg);
            }
            if (ctx.implicitKey)
                return `${src} `;
        }
        return src;
    }
}
function getAliasCount(doc, node, anchors) {
    if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors && source && anchors.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
    }
    else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
            const c = getAliasCount(doc, item, anchors);
            if (c > count)
                count = c;
        }
        return count;
    }
    else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors);
        const vc = getAliasCount(doc, node.value, anchors);
        return Math.max(kc, vc);
    }
    return 1;
}

exports.Alias = Alias;


/***/ }),

/***/ 101:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);

function collectionFromPath(schema, path, value) {
    let v = value;
    for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === 'number' && Number.isInteger(k) && k >= 0) {
            const a = [];
            a[k] = v;
            v = a;
        }
        else {
            v = new Map([[k, v]]);
        }
    }
    return createNode.createNode(v, undefined, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
            throw new Error('This should not happen, please report a bug.');
        },
        schema,
        sourceObjects: new Map()
    });
}
// Type guard is intentionally a little wrong so as to be more useful,
// as it does not cover untypable empty non-string iterables (e.g. []).
const isEmptyPath = (path) => path == null ||
    (typeof path === 'object' && !!path[Symbol.iterator]().next().done);
class Collection extends Node.NodeBase {
    constructor(type, schema) {
        super(type);
        Object.defineProperty(this, 'schema', {
            value: schema,
            configurable: true,
            enumerable: false,
            writable: true
        });
    }
    /**
     * Create a copy of this collection.
     *
     * @param schema - If defined, overwrites the original's schema
     */
    clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
            copy.schema = schema;
        copy.items = copy.items.map(it => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /**
     * Adds a value to the collection. For `!!map` and `!!omap` the value must
     * be a Pair instance or a `{ key, value }` object, which may not have a key
     * that already exists in the map.
     */
    addIn(path, value) {
        if (isEmptyPath(path))
            this.add(value);
        else {
            const [key, ...rest] = path;
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.addIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
    /**
     * Removes a value from the collection.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
            return node.deleteIn(rest);
        else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
            return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
            return identity.isCollection(node) ? node.getIn(rest, keepScalar) : undefined;
    }
    hasAllNullValues(allowScalar) {
        return this.items.every(node => {
            if (!identity.isPair(node))
                return false;
            const n = node.value;
            return (n == null ||
                (allowScalar &&
                    identity.isScalar(n) &&
                    n.value == null &&
                    !n.commentBefore &&
                    !n.comment &&
                    !n.tag));
        });
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     */
    hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
            this.set(key, value);
        }
        else {
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.setIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
}

exports.Collection = Collection;
exports.collectionFromPath = collectionFromPath;
exports.isEmptyPath = isEmptyPath;


/***/ }),

/***/ 6673:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var applyReviver = __nccwpck_require__(3661);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

class NodeBase {
    constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
    }
    /** Create a copy of this node.  */
    clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** A plain JavaScript representation of this node. */
    toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
            throw new TypeError('A document argument is required');
        const ctx = {
            anchors: new Map(),
            doc,
            keep: true,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
}

exports.NodeBase = NodeBase;


/***/ }),

/***/ 7165:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyPair = __nccwpck_require__(9748);
var addPairToJSMap = __nccwpck_require__(7104);
var identity = __nccwpck_require__(1127);

function createPair(key, value, ctx) {
    const k = createNode.createNode(key, undefined, ctx);
    const v = createNode.createNode(value, undefined, ctx);
    return new Pair(k, v);
}
class Pair {
    constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
    }
    clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
            key = key.clone(schema);
        if (identity.isNode(value))
            value = value.clone(schema);
        return new Pair(key, value);
    }
    toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
    }
    toString(ctx, onComment, onChompKeep) {
        return ctx?.doc
            ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep)
            : JSON.stringify(this);
    }
}

exports.Pair = Pair;
exports.createPair = createPair;


/***/ }),

/***/ 3301:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

const isScalarValue = (value) => !value || (typeof value !== 'function' && typeof value !== 'object');
class Scalar extends Node.NodeBase {
    constructor(value) {
        super(identity.SCALAR);
        this.value = value;
    }
    toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
    }
    toString() {
        return String(this.value);
    }
}
Scalar.BLOCK_FOLDED = 'BLOCK_FOLDED';
Scalar.BLOCK_LITERAL = 'BLOCK_LITERAL';
Scalar.PLAIN = 'PLAIN';
Scalar.QUOTE_DOUBLE = 'QUOTE_DOUBLE';
Scalar.QUOTE_SINGLE = 'QUOTE_SINGLE';

exports.Scalar = Scalar;
exports.isScalarValue = isScalarValue;


/***/ }),

/***/ 4454:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyCollection = __nccwpck_require__(1212);
var addPairToJSMap = __nccwpck_require__(7104);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);

function findPair(items, key) {
    const k = identity.isScalar(key) ? key.value : key;
    for (const it of items) {
        if (identity.isPair(it)) {
            if (it.key === key || it.key === k)
                return it;
            if (identity.isScalar(it.key) && it.key.value === k)
                return it;
        }
    }
    return undefined;
}
class YAMLMap extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:map';
    }
    constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
    }
    /**
     * A generic collection parsing method that can be extended
     * to other node classes that inherit from YAMLMap
     */
    static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
            if (typeof replacer === 'function')
                value = replacer.call(obj, key, value);
            else if (Array.isArray(replacer) && !replacer.includes(key))
                return;
            if (value !== undefined || keepUndefined)
                map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
            for (const [key, value] of obj)
                add(key, value);
        }
        else if (obj && typeof obj === 'object') {
            for (const key of Object.keys(obj))
                add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === 'function') {
            map.items.sort(schema.sortMapEntries);
        }
        return map;
    }
    /**
     * Adds a value to the collection.
     *
     * @param overwrite - If not set `true`, using a key that is already in the
     *   collection will throw. Otherwise, overwrites the previous value.
     */
    add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
            _pair = pair;
        else if (!pair || typeof pair !== 'object' || !('key' in pair)) {
            // In TypeScript, this never happens.
            _pair = new Pair.Pair(pair, pair?.value);
        }
        else
            _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
            if (!overwrite)
                throw new Error(`Key ${_pair.key} already set`);
            // For scalars, keep the old node & its comments and anchors
            if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
                prev.value.value = _pair.value;
            else
                prev.value = _pair.value;
        }
        else if (sortEntries) {
            const i = this.items.findIndex(item => sortEntries(_pair, item) < 0);
            if (i === -1)
                this.items.push(_pair);
            else
                this.items.splice(i, 0, _pair);
        }
        else {
            this.items.push(_pair);
        }
    }
    delete(key) {
        const it = findPair(this.items, key);
        if (!it)
            return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? undefined;
    }
    has(key) {
        return !!findPair(this.items, key);
    }
    set(key, value) {
        this.add(new Pair.Pair(key, value), true);
    }
    /**
     * @param ctx - Conversion context, originally set in Document#toJS()
     * @param {Class} Type - If set, forces the returned collection type
     * @returns Instance of Type, Map, or Object
     */
    toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? new Map() : {};
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const item of this.items)
            addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        for (const item of this.items) {
            if (!identity.isPair(item))
                throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
            ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '',
            flowChars: { start: '{', end: '}' },
            itemIndent: ctx.indent || '',
            onChompKeep,
            onComment
        });
    }
}

exports.YAMLMap = YAMLMap;
exports.findPair = findPair;


/***/ }),

/***/ 2223:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyCollection = __nccwpck_require__(1212);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var toJS = __nccwpck_require__(4043);

class YAMLSeq extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:seq';
    }
    constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
    }
    add(value) {
        this.items.push(value);
    }
    /**
     * Removes a value from the collection.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     *
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return undefined;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     */
    has(key) {
        const idx = asItemIndex(key);
        return typeof idx === 'number' && idx < this.items.length;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     *
     * If `key` does not contain a representation of an integer, this will throw.
     * It may be wrapped in a `Scalar`.
     */
    set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
            prev.value = value;
        else
            this.items[idx] = value;
    }
    toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
            ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
            seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '- ',
            flowChars: { start: '[', end: ']' },
            itemIndent: (ctx.indent || '') + '  ',
            onChompKeep,
            onComment
        });
    }
    static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
            let i = 0;
            for (let it of obj) {
                if (typeof replacer === 'function') {
                    const key = obj instanceof Set ? it : String(i++);
                    it = replacer.call(obj, key, it);
                }
                seq.items.push(createNode.createNode(it, undefined, ctx));
            }
        }
        return seq;
    }
}
function asItemIndex(key) {
    let idx = identity.isScalar(key) ? key.value : key;
    if (idx && typeof idx === 'string')
        idx = Number(idx);
    return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0
        ? idx
        : null;
}

exports.YAMLSeq = YAMLSeq;


/***/ }),

/***/ 7104:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var log = __nccwpck_require__(7249);
var merge = __nccwpck_require__(452);
var stringify = __nccwpck_require__(2148);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

function addPairToJSMap(ctx, map, { key, value }) {
    if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
    // TODO: Should drop this special case for bare << handling
    else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
    else {
        const jsKey = toJS.toJS(key, '', ctx);
        if (map instanceof Map) {
            map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        }
        else if (map instanceof Set) {
            map.add(jsKey);
        }
        else {
            const stringKey = stringifyKey(key, jsKey, ctx);
            const jsValue = toJS.toJS(value, stringKey, ctx);
            if (stringKey in map)
                Object.defineProperty(map, stringKey, {
                    value: jsValue,
                    writable: true,
                    enumerable: true,
                    configurable: true
                });
            else
                map[stringKey] = jsValue;
        }
    }
    return map;
}
function stringifyKey(key, jsKey, ctx) {
    if (jsKey === null)
        return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    if (typeof jsKey !== 'object')
        return String(jsKey);
    if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = new Set();
        for (const node of ctx.anchors.keys())
            strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
            let jsonStr = JSON.stringify(strKey);
            if (jsonStr.length > 40)
                jsonStr = jsonStr.substring(0, 36) + '..."';
            log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
            ctx.mapKeyWarned = true;
        }
        return strKey;
    }
    return JSON.stringify(jsKey);
}

exports.addPairToJSMap = addPairToJSMap;


/***/ }),

/***/ 1127:
/***/ ((__unused_webpack_module, exports) => {



const ALIAS = Symbol.for('yaml.alias');
const DOC = Symbol.for('yaml.document');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');
const NODE_TYPE = Symbol.for('yaml.node.type');
const isAlias = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === ALIAS;
const isDocument = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === DOC;
const isMap = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === MAP;
const isPair = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === PAIR;
const isScalar = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SCALAR;
const isSeq = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SEQ;
function isCollection(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case MAP:
            case SEQ:
                return true;
        }
    return false;
}
function isNode(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case ALIAS:
            case MAP:
            case SCALAR:
            case SEQ:
                return true;
        }
    return false;
}
const hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;

exports.ALIAS = ALIAS;
exports.DOC = DOC;
exports.MAP = MAP;
exports.NODE_TYPE = NODE_TYPE;
exports.PAIR = PAIR;
exports.SCALAR = SCALAR;
exports.SEQ = SEQ;
exports.hasAnchor = hasAnchor;
exports.isAlias = isAlias;
exports.isCollection = isCollection;
exports.isDocument = isDocument;
exports.isMap = isMap;
exports.isNode = isNode;
exports.isPair = isPair;
exports.isScalar = isScalar;
exports.isSeq = isSeq;


/***/ }),

/***/ 4043:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

/**
 * Recursively convert any node or its contents to native JavaScript
 *
 * @param value - The input value
 * @param arg - If `value` defines a `toJSON()` method, use this
 *   as its first argument
 * @param ctx - Conversion context, originally set in Document#toJS(). If
 *   `{ keep: true }` is not set, output should be suitable for JSON
 *   stringification.
 */
function toJS(value, arg, ctx) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
    if (value && typeof value.toJSON === 'function') {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call
        if (!ctx || !identity.hasAnchor(value))
            return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: undefined };
        ctx.anchors.set(value, data);
        ctx.onCreate = res => {
            data.res = res;
            delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
            ctx.onCreate(res);
        return res;
    }
    if (typeof value === 'bigint' && !ctx?.keep)
        return Number(value);
    return value;
}

exports.toJS = toJS;


/***/ }),

/***/ 110:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);
var errors = __nccwpck_require__(1464);
var stringifyString = __nccwpck_require__(3069);

function resolveAsScalar(token, strict = true, onError) {
    if (token) {
        const _onError = (pos, code, message) => {
            const offset = typeof pos === 'number' ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
            if (onError)
                onError(offset, code, message);
            else
                throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
            case 'block-scalar':
                return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
    }
    return null;
}
/**
 * Create a new scalar token with `value`
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.end Comments and whitespace after the end of the value, or after the block scalar header. If undefined, a newline will be added.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.indent The indent level of the token.
 * @param context.inFlow Is this scalar within a flow collection? This may affect the resolved type of the token's value.
 * @param context.offset The offset position of the token.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function createScalarToken(value, context) {
    const { implicitKey = false, indent, inFlow = false, offset = -1, type = 'PLAIN' } = context;
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    const end = context.end ?? [
        { type: 'newline', offset: -1, indent, source: '\n' }
    ];
    switch (source[0]) {
        case '|':
        case '>': {
            const he = source.indexOf('\n');
            const head = source.substring(0, he);
            const body = source.substring(he + 1) + '\n';
            const props = [
                { type: 'block-scalar-header', offset, indent, source: head }
            ];
            if (!addEndtoBlockProps(props, end))
                props.push({ type: 'newline', offset: -1, indent, source: '\n' });
            return { type: 'block-scalar', offset, indent, props, source: body };
        }
        case '"':
            return { type: 'double-quoted-scalar', offset, indent, source, end };
        case "'":
            return { type: 'single-quoted-scalar', offset, indent, source, end };
        default:
            return { type: 'scalar', offset, indent, source, end };
    }
}
/**
 * Set the value of `token` to the given string `value`, overwriting any previous contents and type that it may have.
 *
 * Best efforts are made to retain any comments previously associated with the `token`,
 * though all contents within a collection's `items` will be overwritten.
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param token Any token. If it does not include an `indent` value, the value will be stringified as if it were an implicit key.
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.afterKey In most cases, values after a key should have an additional level of indentation.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.inFlow Being within a flow collection may affect the resolved type of the token's value.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function setScalarValue(token, value, context = {}) {
    let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
    let indent = 'indent' in token ? token.indent : null;
    if (afterKey && typeof indent === 'number')
        indent += 2;
    if (!type)
        switch (token.type) {
            case 'single-quoted-scalar':
                type = 'QUOTE_SINGLE';
                break;
            case 'double-quoted-scalar':
                type = 'QUOTE_DOUBLE';
                break;
            case 'block-scalar': {
                const header = token.props[0];
                if (header.type !== 'block-scalar-header')
                    throw new Error('Invalid block scalar header');
                type = header.source[0] === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
                break;
            }
            default:
                type = 'PLAIN';
        }
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    switch (source[0]) {
        case '|':
        case '>':
            setBlockScalarValue(token, source);
            break;
        case '"':
            setFlowScalarValue(token, source, 'double-quoted-scalar');
            break;
        case "'":
            setFlowScalarValue(token, source, 'single-quoted-scalar');
            break;
        default:
            setFlowScalarValue(token, source, 'scalar');
    }
}
function setBlockScalarValue(token, source) {
    const he = source.indexOf('\n');
    const head = source.substring(0, he);
    const body = source.substring(he + 1) + '\n';
    if (token.type === 'block-scalar') {
        const header = token.props[0];
        if (header.type !== 'block-scalar-header')
            throw new Error('Invalid block scalar header');
        header.source = head;
        token.source = body;
    }
    else {
        const { offset } = token;
        const indent = 'indent' in token ? token.indent : -1;
        const props = [
            { type: 'block-scalar-header', offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, 'end' in token ? token.end : undefined))
            props.push({ type: 'newline', offset: -1, indent, source: '\n' });
        for (const key of Object.keys(token))
            if (key !== 'type' && key !== 'offset')
                delete token[key];
        Object.assign(token, { type: 'block-scalar', indent, props, source: body });
    }
}
/** @returns `true` if last token is a newline */
function addEndtoBlockProps(props, end) {
    if (end)
        for (const st of end)
            switch (st.type) {
                case 'space':
                case 'comment':
                    props.push(st);
                    break;
                case 'newline':
                    props.push(st);
                    return true;
            }
    return false;
}
function setFlowScalarValue(token, source, type) {
    switch (token.type) {
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            token.type = type;
            token.source = source;
            break;
        case 'block-scalar': {
            const end = token.props.slice(1);
            let oa = source.length;
            if (token.props[0].type === 'block-scalar-header')
                oa -= token.props[0].source.length;
            for (const tok of end)
                tok.offset += oa;
            delete token.props;
            Object.assign(token, { type, source, end });
            break;
        }
        case 'block-map':
        case 'block-seq': {
            const offset = token.offset + source.length;
            const nl = { type: 'newline', offset, indent: token.indent, source: '\n' };
            delete token.items;
            Object.assign(token, { type, source, end: [nl] });
            break;
        }
        default: {
            const indent = 'indent' in token ? token.indent : -1;
            const end = 'end' in token && Array.isArray(token.end)
                ? token.end.filter(st => st.type === 'space' ||
                    st.type === 'comment' ||
                    st.type === 'newline')
                : [];
            for (const key of Object.keys(token))
                if (key !== 'type' && key !== 'offset')
                    delete token[key];
            Object.assign(token, { type, indent, source, end });
        }
    }
}

exports.createScalarToken = createScalarToken;
exports.resolveAsScalar = resolveAsScalar;
exports.setScalarValue = setScalarValue;


/***/ }),

/***/ 1733:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringify a CST document, token, or collection item
 *
 * Fair warning: This applies no validation whatsoever, and
 * simply concatenates the sources in their logical order.
 */
const stringify = (cst) => 'type' in cst ? stringifyToken(cst) : stringifyItem(cst);
function stringifyToken(token) {
    switch (token.type) {
        case 'block-scalar': {
            let res = '';
            for (const tok of token.props)
                res += stringifyToken(tok);
            return res + token.source;
        }
        case 'block-map':
        case 'block-seq': {
            let res = '';
            for (const item of token.items)
                res += stringifyItem(item);
            return res;
        }
        case 'flow-collection': {
            let res = token.start.source;
            for (const item of token.items)
                res += stringifyItem(item);
            for (const st of token.end)
                res += st.source;
            return res;
        }
        case 'document': {
            let res = stringifyItem(token);
            if (token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
        default: {
            let res = token.source;
            if ('end' in token && token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
    }
}
function stringifyItem({ start, key, sep, value }) {
    let res = '';
    for (const st of start)
        res += st.source;
    if (key)
        res += stringifyToken(key);
    if (sep)
        for (const st of sep)
            res += st.source;
    if (value)
        res += stringifyToken(value);
    return res;
}

exports.stringify = stringify;


/***/ }),

/***/ 7715:
/***/ ((__unused_webpack_module, exports) => {



const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove item');
/**
 * Apply a visitor to a CST document or item.
 *
 * Walks through the tree (depth-first) starting from the root, calling a
 * `visitor` function with two arguments when entering each item:
 *   - `item`: The current item, which included the following members:
 *     - `start: SourceToken[]` \u2013 Source tokens before the key or value,
 *       possibly including its anchor or tag.
 *     - `key?: Token | null` \u2013 Set for pair values. May then be `null`, if
 *       the key before the `:` separator is empty.
 *     - `sep?: SourceToken[]` \u2013 Source tokens between the key and the value,
 *       which should include the `:` map value indicator if `value` is set.
 *     - `value?: Token` \u2013 The value of a sequence item, or of a map pair.
 *   - `path`: The steps from the root to the current node, as an array of
 *     `['key' | 'value', number]` tuples.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this token, continue with
 *      next sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current item, then continue with the next one
 *   - `number`: Set the index of the next step. This is useful especially if
 *     the index of the current token has changed.
 *   - `function`: Define the next visitor for this item. After the original
 *     visitor is called on item entry, next visitors are called after handling
 *     a non-empty `key` and when exiting the item.
 */
function visit(cst, visitor) {
    if ('type' in cst && cst.type === 'document')
        cst = { start: cst.start, value: cst.value };
    _visit(Object.freeze([]), cst, visitor);
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current item */
visit.SKIP = SKIP;
/** Remove the current item */
visit.REMOVE = REMOVE;
/** Find the item at `path` from `cst` as the root */
visit.itemAtPath = (cst, path) => {
    let item = cst;
    for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && 'items' in tok) {
            item = tok.items[index];
        }
        else
            return undefined;
    }
    return item;
};
/**
 * Get the immediate parent collection of the item at `path` from `cst` as the root.
 *
 * Throws an error if the collection is not found, which should never happen if the item itself exists.
 */
visit.parentCollection = (cst, path) => {
    const parent = visit.itemAtPath(cst, path.slice(0, -1));
    const field = path[path.length - 1][0];
    const coll = parent?.[field];
    if (coll && 'items' in coll)
        return coll;
    throw new Error('Parent collection not found');
};
function _visit(path, item, visitor) {
    let ctrl = visitor(item, path);
    if (typeof ctrl === 'symbol')
        return ctrl;
    for (const field of ['key', 'value']) {
        const token = item[field];
        if (token && 'items' in token) {
            for (let i = 0; i < token.items.length; ++i) {
                const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    token.items.splice(i, 1);
                    i -= 1;
                }
            }
            if (typeof ctrl === 'function' && field === 'key')
                ctrl = ctrl(item, path);
        }
    }
    return typeof ctrl === 'function' ? ctrl(item, path) : ctrl;
}

exports.visit = visit;


/***/ }),

/***/ 3461:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cstScalar = __nccwpck_require__(110);
var cstStringify = __nccwpck_require__(1733);
var cstVisit = __nccwpck_require__(7715);

/** The byte order mark */
const BOM = '\u{FEFF}';
/** Start of doc-mode */
const DOCUMENT = '\x02'; // C0: Start of Text
/** Unexpected end of flow-mode */
const FLOW_END = '\x18'; // C0: Cancel
/** Next token is a scalar value */
const SCALAR = '\x1f'; // C0: Unit Separator
/** @returns `true` if `token` is a flow or block collection */
const isCollection = (token) => !!token && 'items' in token;
/** @returns `true` if `token` is a flow or block scalar; not an alias */
const isScalar = (token) => !!token &&
    (token.type === 'scalar' ||
        token.type === 'single-quoted-scalar' ||
        token.type === 'double-quoted-scalar' ||
        token.type === 'block-scalar');
/* istanbul ignore next */
/** Get a printable representation of a lexer token */
function prettyToken(token) {
    switch (token) {
        case BOM:
            return '<BOM>';
        case DOCUMENT:
            return '<DOC>';
        case FLOW_END:
            return '<FLOW_END>';
        case SCALAR:
            return '<SCALAR>';
        default:
            return JSON.stringify(token);
    }
}
/** Identify the type of a lexer token. May return `null` for unknown tokens. */
function tokenType(source) {
    switch (source) {
        case BOM:
            return 'byte-order-mark';
        case DOCUMENT:
            return 'doc-mode';
        case FLOW_END:
            return 'flow-error-end';
        case SCALAR:
            return 'scalar';
        case '---':
            return 'doc-start';
        case '...':
            return 'doc-end';
        case '':
        case '\n':
        case '\r\n':
            return 'newline';
        case '-':
            return 'seq-item-ind';
        case '?':
            return 'explicit-key-ind';
        case ':':
            return 'map-value-ind';
        case '{':
            return 'flow-map-start';
        case '}':
            return 'flow-map-end';
        case '[':
            return 'flow-seq-start';
        case ']':
            return 'flow-seq-end';
        case ',':
            return 'comma';
    }
    switch (source[0]) {
        case ' ':
        case '\t':
            return 'space';
        case '#':
            return 'comment';
        case '%':
            return 'directive-line';
        case '*':
            return 'alias';
        case '&':
            return 'anchor';
        case '!':
            return 'tag';
        case "'":
            return 'single-quoted-scalar';
        case '"':
            return 'double-quoted-scalar';
        case '|':
        case '>':
            return 'block-scalar-header';
    }
    return null;
}

exports.createScalarToken = cstScalar.createScalarToken;
exports.resolveAsScalar = cstScalar.resolveAsScalar;
exports.setScalarValue = cstScalar.setScalarValue;
exports.stringify = cstStringify.stringify;
exports.visit = cstVisit.visit;
exports.BOM = BOM;
exports.DOCUMENT = DOCUMENT;
exports.FLOW_END = FLOW_END;
exports.SCALAR = SCALAR;
exports.isCollection = isCollection;
exports.isScalar = isScalar;
exports.prettyToken = prettyToken;
exports.tokenType = tokenType;


/***/ }),

/***/ 361:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cst = __nccwpck_require__(3461);

/*
START -> stream

stream
  directive -> line-end -> stream
  indent + line-end -> stream
  [else] -> line-start

line-end
  comment -> line-end
  newline -> .
  input-end -> END

line-start
  doc-start -> doc
  doc-end -> stream
  [else] -> indent -> block-start

block-start
  seq-item-start -> block-start
  explicit-key-start -> block-start
  map-value-start -> block-start
  [else] -> doc

doc
  line-end -> line-start
  spaces -> doc
  anchor -> doc
  tag -> doc
  flow-start -> flow -> doc
  flow-end -> error -> doc
  seq-item-start -> error -> doc
  explicit-key-start -> error -> doc
  map-value-start -> doc
  alias -> doc
  quote-start -> quoted-scalar -> doc
  block-scalar-header -> line-end -> block-scalar(min) -> line-start
  [else] -> plain-scalar(false, min) -> doc

flow
  line-end -> flow
  spaces -> flow
  anchor -> flow
  tag -> flow
  flow-start -> flow -> flow
  flow-end -> .
  seq-item-start -> error -> flow
  explicit-key-start -> flow
  map-value-start -> flow
  alias -> flow
  quote-start -> quoted-scalar -> flow
  comma -> flow
  [else] -> plain-scalar(true, 0) -> flow

quoted-scalar
  quote-end -> .
  [else] -> quoted-scalar

block-scalar(min)
  newline + peek(indent < min) -> .
  [else] -> block-scalar(min)

plain-scalar(is-flow, min)
  scalar-end(is-flow) -> .
  peek(newline + (indent < min)) -> .
  [else] -> plain-scalar(min)
*/
function isEmpty(ch) {
    switch (ch) {
        case undefined:
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            return false;
    }
}
const hexDigits = new Set('0123456789ABCDEFabcdef');
const tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
const flowIndicatorChars = new Set(',[]{}');
const invalidAnchorChars = new Set(' ,[]{}\n\r\t');
const isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
/**
 * Splits an input string into lexical tokens, i.e. smaller strings that are
 * easily identifiable by `tokens.tokenType()`.
 *
 * Lexing starts always in a "stream" context. Incomplete input may be buffered
 * until a complete token can be emitted.
 *
 * In addition to slices of the original input, the following control characters
 * may also be emitted:
 *
 * - `\x02` (Start of Text): A document starts with the next token
 * - `\x18` (Cancel): Unexpected end of flow-mode (indicates an error)
 * - `\x1f` (Unit Separator): Next token is a scalar value
 * - `\u{FEFF}` (Byte order mark): Emitted separately outside documents
 */
class Lexer {
    constructor() {
        /**
         * Flag indicating whether the end of the current buffer marks the end of
         * all input
         */
        this.atEnd = false;
        /**
         * Explicit indent set in block scalar header, as an offset from the current
         * minimum indent, so e.g. set to 1 from a header `|2+`. Set to -1 if not
         * explicitly set.
         */
        this.blockScalarIndent = -1;
        /**
         * Block scalars that include a + (keep) chomping indicator in their header
         * include trailing empty lines, which are otherwise excluded from the
         * scalar's contents.
         */
        this.blockScalarKeep = false;
        /** Current input */
        this.buffer = '';
        /**
         * Flag noting whether the map value indicator : can immediately follow this
         * node within a flow context.
         */
        this.flowKey = false;
        /** Count of surrounding flow collection levels. */
        this.flowLevel = 0;
        /**
         * Minimum level of indentation required for next lines to be parsed as a
         * part of the current scalar value.
         */
        this.indentNext = 0;
        /** Indentation level of the current line. */
        this.indentValue = 0;
        /** Position of the next \n character. */
        this.lineEndPos = null;
        /** Stores the state of the lexer if reaching the end of incpomplete input */
        this.next = null;
        /** A pointer to `buffer`; the current position of the lexer. */
        this.pos = 0;
    }
    /**
     * Generate YAML tokens from the `source` string. If `incomplete`,
     * a part of the last line may be left as a buffer for the next call.
     *
     * @returns A generator of lexical tokens
     */
    *lex(source, incomplete = false) {
        if (source) {
            if (typeof source !== 'string')
                throw TypeError('source is not a string');
            this.buffer = this.buffer ? this.buffer + source : source;
            this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? 'stream';
        while (next && (incomplete || this.hasChars(1)))
            next = yield* this.parseNext(next);
    }
    atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === ' ' || ch === '\t')
            ch = this.buffer[++i];
        if (!ch || ch === '#' || ch === '\n')
            return true;
        if (ch === '\r')
            return this.buffer[i + 1] === '\n';
        return false;
    }
    charAt(n) {
        return this.buffer[this.pos + n];
    }
    continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
            let indent = 0;
            while (ch === ' ')
                ch = this.buffer[++indent + offset];
            if (ch === '\r') {
                const next = this.buffer[indent + offset + 1];
                if (next === '\n' || (!next && !this.atEnd))
                    return offset + indent + 1;
            }
            return ch === '\n' || indent >= this.indentNext || (!ch && !this.atEnd)
                ? offset + indent
                : -1;
        }
        if (ch === '-' || ch === '.') {
            const dt = this.buffer.substr(offset, 3);
            if ((dt === '---' || dt === '...') && isEmpty(this.buffer[offset + 3]))
                return -1;
        }
        return offset;
    }
    getLine() {
        let end = this.lineEndPos;
        if (typeof end !== 'number' || (end !== -1 && end < this.pos)) {
            end = this.buffer.indexOf('\n', this.pos);
            this.lineEndPos = end;
        }
        if (end === -1)
            return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === '\r')
            end -= 1;
        return this.buffer.substring(this.pos, end);
    }
    hasChars(n) {
        return this.pos + n <= this.buffer.length;
    }
    setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
    }
    peek(n) {
        return this.buffer.substr(this.pos, n);
    }
    *parseNext(next) {
        switch (next) {
            case 'stream':
                return yield* this.parseStream();
            case 'line-start':
                return yield* this.parseLineStart();
            case 'block-start':
                return yield* this.parseBlockStart();
            case 'doc':
                return yield* this.parseDocument();
            case 'flow':
                return yield* this.parseFlowCollection();
            case 'quoted-scalar':
                return yield* this.parseQuotedScalar();
            case 'block-scalar':
                return yield* this.parseBlockScalar();
            case 'plain-scalar':
                return yield* this.parsePlainScalar();
        }
    }
    *parseStream() {
        let line = this.getLine();
        if (line === null)
            return this.setNext('stream');
        if (line[0] === cst.BOM) {
            yield* this.pushCount(1);
            line = line.substring(1);
        }
        if (line[0] === '%') {
            let dirEnd = line.length;
            let cs = line.indexOf('#');
            while (cs !== -1) {
                const ch = line[cs - 1];
                if (ch === ' ' || ch === '\t') {
                    dirEnd = cs - 1;
                    break;
                }
                else {
                    cs = line.indexOf('#', cs + 1);
                }
            }
            while (true) {
                const ch = line[dirEnd - 1];
                if (ch === ' ' || ch === '\t')
                    dirEnd -= 1;
                else
                    break;
            }
            const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
            yield* this.pushCount(line.length - n); // possible comment
            this.pushNewline();
            return 'stream';
        }
        if (this.atLineEnd()) {
            const sp = yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - sp);
            yield* this.pushNewline();
            return 'stream';
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
    }
    *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
            return this.setNext('line-start');
        if (ch === '-' || ch === '.') {
            if (!this.atEnd && !this.hasChars(4))
                return this.setNext('line-start');
            const s = this.peek(3);
            if ((s === '---' || s === '...') && isEmpty(this.charAt(3))) {
                yield* this.pushCount(3);
                this.indentValue = 0;
                this.indentNext = 0;
                return s === '---' ? 'doc' : 'stream';
            }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
            this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
    }
    *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
            return this.setNext('block-start');
        if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
            const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
            this.indentNext = this.indentValue + 1;
            this.indentValue += n;
            return yield* this.parseBlockStart();
        }
        return 'doc';
    }
    *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
            return this.setNext('doc');
        let n = yield* this.pushIndicators();
        switch (line[n]) {
            case '#':
                yield* this.pushCount(line.length - n);
            // fallthrough
            case undefined:
                yield* this.pushNewline();
                return yield* this.parseLineStart();
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel = 1;
                return 'flow';
            case '}':
            case ']':
                // this is an error
                yield* this.pushCount(1);
                return 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'doc';
            case '"':
            case "'":
                return yield* this.parseQuotedScalar();
            case '|':
            case '>':
                n += yield* this.parseBlockScalarHeader();
                n += yield* this.pushSpaces(true);
                yield* this.pushCount(line.length - n);
                yield* this.pushNewline();
                return yield* this.parseBlockScalar();
            default:
                return yield* this.parsePlainScalar();
        }
    }
    *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
            nl = yield* this.pushNewline();
            if (nl > 0) {
                sp = yield* this.pushSpaces(false);
                this.indentValue = indent = sp;
            }
            else {
                sp = 0;
            }
            sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
            return this.setNext('flow');
        if ((indent !== -1 && indent < this.indentNext && line[0] !== '#') ||
            (indent === 0 &&
                (line.startsWith('---') || line.startsWith('...')) &&
                isEmpty(line[3]))) {
            // Allowing for the terminal ] or } at the same (rather than greater)
            // indent level as the initial [ or { is technically invalid, but
            // failing here would be surprising to users.
            const atFlowEndMarker = indent === this.indentNext - 1 &&
                this.flowLevel === 1 &&
                (line[0] === ']' || line[0] === '}');
            if (!atFlowEndMarker) {
                // this is an error
                this.flowLevel = 0;
                yield cst.FLOW_END;
                return yield* this.parseLineStart();
            }
        }
        let n = 0;
        while (line[n] === ',') {
            n += yield* this.pushCount(1);
            n += yield* this.pushSpaces(true);
            this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
            case undefined:
                return 'flow';
            case '#':
                yield* this.pushCount(line.length - n);
                return 'flow';
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel += 1;
                return 'flow';
            case '}':
            case ']':
                yield* this.pushCount(1);
                this.flowKey = true;
                this.flowLevel -= 1;
                return this.flowLevel ? 'flow' : 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'flow';
            case '"':
            case "'":
                this.flowKey = true;
                return yield* this.parseQuotedScalar();
            case ':': {
                const next = this.charAt(1);
                if (this.flowKey || isEmpty(next) || next === ',') {
                    this.flowKey = false;
                    yield* this.pushCount(1);
                    yield* this.pushSpaces(true);
                    return 'flow';
                }
            }
            // fallthrough
            default:
                this.flowKey = false;
                return yield* this.parsePlainScalar();
        }
    }
    *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
            while (end !== -1 && this.buffer[end + 1] === "'")
                end = this.buffer.indexOf("'", end + 2);
        }
        else {
            // double-quote
            while (end !== -1) {
                let n = 0;
                while (this.buffer[end - 1 - n] === '\\')
                    n += 1;
                if (n % 2 === 0)
                    break;
                end = this.buffer.indexOf('"', end + 1);
            }
        }
        // Only looking for newlines within the quotes
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf('\n', this.pos);
        if (nl !== -1) {
            while (nl !== -1) {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = qb.indexOf('\n', cs);
            }
            if (nl !== -1) {
                // this is an error caused by an unexpected unindent
                end = nl - (qb[nl - 1] === '\r' ? 2 : 1);
            }
        }
        if (end === -1) {
            if (!this.atEnd)
                return this.setNext('quoted-scalar');
            end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? 'flow' : 'doc';
    }
    *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
            const ch = this.buffer[++i];
            if (ch === '+')
                this.blockScalarKeep = true;
            else if (ch > '0' && ch <= '9')
                this.blockScalarIndent = Number(ch) - 1;
            else if (ch !== '-')
                break;
        }
        return yield* this.pushUntil(ch => isEmpty(ch) || ch === '#');
    }
    *parseBlockScalar() {
        let nl = this.pos - 1; // may be -1 if this.pos === 0
        let indent = 0;
        let ch;
        loop: for (let i = this.pos; (ch = this.buffer[i]); ++i) {
            switch (ch) {
                case ' ':
                    indent += 1;
                    break;
                case '\n':
                    nl = i;
                    indent = 0;
                    break;
                case '\r': {
                    const next = this.buffer[i + 1];
                    if (!next && !this.atEnd)
                        return this.setNext('block-scalar');
                    if (next === '\n')
                        break;
                } // fallthrough
                default:
                    break loop;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('block-scalar');
        if (indent >= this.indentNext) {
            if (this.blockScalarIndent === -1)
                this.indentNext = indent;
            else {
                this.indentNext =
                    this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
            }
            do {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = this.buffer.indexOf('\n', cs);
            } while (nl !== -1);
            if (nl === -1) {
                if (!this.atEnd)
                    return this.setNext('block-scalar');
                nl = this.buffer.length;
            }
        }
        // Trailing insufficiently indented tabs are invalid.
        // To catch that during parsing, we include them in the block scalar value.
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === ' ')
            ch = this.buffer[++i];
        if (ch === '\t') {
            while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n')
                ch = this.buffer[++i];
            nl = i - 1;
        }
        else if (!this.blockScalarKeep) {
            do {
                let i = nl - 1;
                let ch = this.buffer[i];
                if (ch === '\r')
                    ch = this.buffer[--i];
                const lastChar = i; // Drop the line if last char not more indented
                while (ch === ' ')
                    ch = this.buffer[--i];
                if (ch === '\n' && i >= this.pos && i + 1 + indent > lastChar)
                    nl = i;
                else
                    break;
            } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
    }
    *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while ((ch = this.buffer[++i])) {
            if (ch === ':') {
                const next = this.buffer[i + 1];
                if (isEmpty(next) || (inFlow && flowIndicatorChars.has(next)))
                    break;
                end = i;
            }
            else if (isEmpty(ch)) {
                let next = this.buffer[i + 1];
                if (ch === '\r') {
                    if (next === '\n') {
                        i += 1;
                        ch = '\n';
                        next = this.buffer[i + 1];
                    }
                    else
                        end = i;
                }
                if (next === '#' || (inFlow && flowIndicatorChars.has(next)))
                    break;
                if (ch === '\n') {
                    const cs = this.continueScalar(i + 1);
                    if (cs === -1)
                        break;
                    i = Math.max(i, cs - 2); // to advance, but still account for ' #'
                }
            }
            else {
                if (inFlow && flowIndicatorChars.has(ch))
                    break;
                end = i;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('plain-scalar');
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? 'flow' : 'doc';
    }
    *pushCount(n) {
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos += n;
            return n;
        }
        return 0;
    }
    *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
            yield s;
            this.pos += s.length;
            return s.length;
        }
        else if (allowEmpty)
            yield '';
        return 0;
    }
    *pushIndicators() {
        switch (this.charAt(0)) {
            case '!':
                return ((yield* this.pushTag()) +
                    (yield* this.pushSpaces(true)) +
                    (yield* this.pushIndicators()));
            case '&':
                return ((yield* this.pushUntil(isNotAnchorChar)) +
                    (yield* this.pushSpaces(true)) +
                    (yield* this.pushIndicators()));
            case '-': // this is an error
            case '?': // this is an error outside flow collections
            case ':': {
                const inFlow = this.flowLevel > 0;
                const ch1 = this.charAt(1);
                if (isEmpty(ch1) || (inFlow && flowIndicatorChars.has(ch1))) {
                    if (!inFlow)
                        this.indentNext = this.indentValue + 1;
                    else if (this.flowKey)
                        this.flowKey = false;
                    return ((yield* this.pushCount(1)) +
                        (yield* this.pushSpaces(true)) +
                        (yield* this.pushIndicators()));
                }
            }
        }
        return 0;
    }
    *pushTag() {
        if (this.charAt(1) === '<') {
            let i = this.pos + 2;
            let ch = this.buffer[i];
            while (!isEmpty(ch) && ch !== '>')
                ch = this.buffer[++i];
            return yield* this.pushToIndex(ch === '>' ? i + 1 : i, false);
        }
        else {
            let i = this.pos + 1;
            let ch = this.buffer[i];
            while (ch) {
                if (tagChars.has(ch))
                    ch = this.buffer[++i];
                else if (ch === '%' &&
                    hexDigits.has(this.buffer[i + 1]) &&
                    hexDigits.has(this.buffer[i + 2])) {
                    ch = this.buffer[(i += 3)];
                }
                else
                    break;
            }
            return yield* this.pushToIndex(i, false);
        }
    }
    *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === '\n')
            return yield* this.pushCount(1);
        else if (ch === '\r' && this.charAt(1) === '\n')
            return yield* this.pushCount(2);
        else
            return 0;
    }
    *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
            ch = this.buffer[++i];
        } while (ch === ' ' || (allowTabs && ch === '\t'));
        const n = i - this.pos;
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos = i;
        }
        return n;
    }
    *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
            ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
    }
}

exports.Lexer = Lexer;


/***/ }),

/***/ 6628:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Tracks newlines during parsing in order to provide an efficient API for
 * determining the one-indexed `{ line, col }` position for any offset
 * within the input.
 */
class LineCounter {
    constructor() {
        this.lineStarts = [];
        /**
         * Should be called in ascending order. Otherwise, call
         * `lineCounter.lineStarts.sort()` before calling `linePos()`.
         */
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        /**
         * Performs a binary search and returns the 1-indexed { line, col }
         * position of `offset`. If `line === 0`, `addNewLine` has never been
         * called or `offset` is before the first known newline.
         */
        this.linePos = (offset) => {
            let low = 0;
            let high = this.lineStarts.length;
            while (low < high) {
                const mid = (low + high) >> 1; // Math.floor((low + high) / 2)
                if (this.lineStarts[mid] < offset)
                    low = mid + 1;
                else
                    high = mid;
            }
            if (this.lineStarts[low] === offset)
                return { line: low + 1, col: 1 };
            if (low === 0)
                return { line: 0, col: offset };
            const start = this.lineStarts[low - 1];
            return { line: low, col: offset - start + 1 };
        };
    }
}

exports.LineCounter = LineCounter;


/***/ }),

/***/ 3456:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);

function includesToken(list, type) {
    for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
            return true;
    return false;
}
function findNonEmptyIndex(list) {
    for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
            case 'space':
            case 'comment':
            case 'newline':
                break;
            default:
                return i;
        }
    }
    return -1;
}
function isFlowToken(token) {
    switch (token?.type) {
        case 'alias':
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'flow-collection':
            return true;
        default:
            return false;
    }
}
function getPrevProps(parent) {
    switch (parent.type) {
        case 'document':
            return parent.start;
        case 'block-map': {
            const it = parent.items[parent.items.length - 1];
            return it.sep ?? it.start;
        }
        case 'block-seq':
            return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
            return [];
    }
}
/** Note: May modify input array */
function getFirstKeyStartProps(prev) {
    if (prev.length === 0)
        return [];
    let i = prev.length;
    loop: while (--i >= 0) {
        switch (prev[i].type) {
            case 'doc-start':
            case 'explicit-key-ind':
            case 'map-value-ind':
            case 'seq-item-ind':
            case 'newline':
                break loop;
        }
    }
    while (prev[++i]?.type === 'space') {
        /* loop */
    }
    return prev.splice(i, prev.length);
}
function fixFlowSeqItems(fc) {
    if (fc.start.type === 'flow-seq-start') {
        for (const it of fc.items) {
            if (it.sep &&
                !it.value &&
                !includesToken(it.start, 'explicit-key-ind') &&
                !includesToken(it.sep, 'map-value-ind')) {
                if (it.key)
                    it.value = it.key;
                delete it.key;
                if (isFlowToken(it.value)) {
                    if (it.value.end)
                        Array.prototype.push.apply(it.value.end, it.sep);
                    else
                        it.value.end = it.sep;
                }
                else
                    Array.prototype.push.apply(it.start, it.sep);
                delete it.sep;
            }
        }
    }
}
/**
 * A YAML concrete syntax tree (CST) parser
 *
 * ```ts
 * const src: string = ...
 * for (const token of new Parser().parse(src)) {
 *   // token: Token
 * }
 * ```
 *
 * To use the parser with a user-provided lexer:
 *
 * ```ts
 * function* parse(source: string, lexer: Lexer) {
 *   const parser = new Parser()
 *   for (const lexeme of lexer.lex(source))
 *     yield* parser.next(lexeme)
 *   yield* parser.end()
 * }
 *
 * const src: string = ...
 * const lexer = new Lexer()
 * for (const token of parse(src, lexer)) {
 *   // token: Token
 * }
 * ```
 */
class Parser {
    /**
     * @param onNewLine - If defined, called separately with the start position of
     *   each new line (in `parse()`, including the start of input).
     */
    constructor(onNewLine) {
        /** If true, space and sequence indicators count as indentation */
        this.atNewLine = true;
        /** If true, next token is a scalar value */
        this.atScalar = false;
        /** Current indentation level */
        this.indent = 0;
        /** Current offset since the start of parsing */
        this.offset = 0;
        /** On the same line with a block map key */
        this.onKeyLine = false;
        /** Top indicates the node that's currently being built */
        this.stack = [];
        /** The source of the current token, set in parse() */
        this.source = '';
        /** The type of the current token, set in parse() */
        this.type = '';
        // Must be defined after `next()`
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
    }
    /**
     * Parse `source` as a YAML stream.
     * If `incomplete`, a part of the last line may be left as a buffer for the next call.
     *
     * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
     *
     * @returns A generator of tokens representing each directive, document, and other structure.
     */
    *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
            this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
            yield* this.next(lexeme);
        if (!incomplete)
            yield* this.end();
    }
    /**
     * Advance the parser by the `source` of one lexical token.
     */
    *next(source) {
        this.source = source;
        if (false)
            console.log('|', cst.prettyToken(source));
        if (this.atScalar) {
            this.atScalar = false;
            yield* this.step();
            this.offset += source.length;
            return;
        }
        const type = cst.tokenType(source);
        if (!type) {
            const message = `Not a YAML token: ${source}`;
            yield* this.pop({ type: 'error', offset: this.offset, message, source });
            this.offset += source.length;
        }
        else if (type === 'scalar') {
            this.atNewLine = false;
            this.atScalar = true;
            this.type = 'scalar';
        }
        else {
            this.type = type;
            yield* this.step();
            switch (type) {
                case 'newline':
                    this.atNewLine = true;
                    this.indent = 0;
                    if (this.onNewLine)
                        this.onNewLine(this.offset + source.length);
                    break;
                case 'space':
                    if (this.atNewLine && source[0] === ' ')
                        this.indent += source.length;
                    break;
                case 'explicit-key-ind':
                case 'map-value-ind':
                case 'seq-item-ind':
                    if (this.atNewLine)
                        this.indent += source.length;
                    break;
                case 'doc-mode':
                case 'flow-error-end':
                    return;
                default:
                    this.atNewLine = false;
            }
            this.offset += source.length;
        }
    }
    /** Call at end of input to push out any remaining constructions */
    *end() {
        while (this.stack.length > 0)
            yield* this.pop();
    }
    get sourceToken() {
        const st = {
            type: this.type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
        return st;
    }
    *step() {
        const top = this.peek(1);
        if (this.type === 'doc-end' && (!top || top.type !== 'doc-end')) {
            while (this.stack.length > 0)
                yield* this.pop();
            this.stack.push({
                type: 'doc-end',
                offset: this.offset,
                source: this.source
            });
            return;
        }
        if (!top)
            return yield* this.stream();
        switch (top.type) {
            case 'document':
                return yield* this.document(top);
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return yield* this.scalar(top);
            case 'block-scalar':
                return yield* this.blockScalar(top);
            case 'block-map':
                return yield* this.blockMap(top);
            case 'block-seq':
                return yield* this.blockSequence(top);
            case 'flow-collection':
                return yield* this.flowCollection(top);
            case 'doc-end':
                return yield* this.documentEnd(top);
        }
        /* istanbul ignore next should not happen */
        yield* this.pop();
    }
    peek(n) {
        return this.stack[this.stack.length - n];
    }
    *pop(error) {
        const token = error ?? this.stack.pop();
        /* istanbul ignore if should not happen */
        if (!token) {
            const message = 'Tried to pop an empty stack';
            yield { type: 'error', offset: this.offset, source: '', message };
        }
        else if (this.stack.length === 0) {
            yield token;
        }
        else {
            const top = this.peek(1);
            if (token.type === 'block-scalar') {
                // Block scalars use their parent rather than header indent
                token.indent = 'indent' in top ? top.indent : 0;
            }
            else if (token.type === 'flow-collection' && top.type === 'document') {
                // Ignore all indent for top-level flow collections
                token.indent = 0;
            }
            if (token.type === 'flow-collection')
                fixFlowSeqItems(token);
            switch (top.type) {
                case 'document':
                    top.value = token;
                    break;
                case 'block-scalar':
                    top.props.push(token); // error
                    break;
                case 'block-map': {
                    const it = top.items[top.items.length - 1];
                    if (it.value) {
                        top.items.push({ start: [], key: token, sep: [] });
                        this.onKeyLine = true;
                        return;
                    }
                    else if (it.sep) {
                        it.value = token;
                    }
                    else {
                        Object.assign(it, { key: token, sep: [] });
                        this.onKeyLine = !it.explicitKey;
                        return;
                    }
                    break;
                }
                case 'block-seq': {
                    const it = top.items[top.items.length - 1];
                    if (it.value)
                        top.items.push({ start: [], value: token });
                    else
                        it.value = token;
                    break;
                }
                case 'flow-collection': {
                    const it = top.items[top.items.length - 1];
                    if (!it || it.value)
                        top.items.push({ start: [], key: token, sep: [] });
                    else if (it.sep)
                        it.value = token;
                    else
                        Object.assign(it, { key: token, sep: [] });
                    return;
                }
                /* istanbul ignore next should not happen */
                default:
                    yield* this.pop();
                    yield* this.pop(token);
            }
            if ((top.type === 'document' ||
                top.type === 'block-map' ||
                top.type === 'block-seq') &&
                (token.type === 'block-map' || token.type === 'block-seq')) {
                const last = token.items[token.items.length - 1];
                if (last &&
                    !last.sep &&
                    !last.value &&
                    last.start.length > 0 &&
                    findNonEmptyIndex(last.start) === -1 &&
                    (token.indent === 0 ||
                        last.start.every(st => st.type !== 'comment' || st.indent < token.indent))) {
                    if (top.type === 'document')
                        top.end = last.start;
                    else
                        top.items.push({ start: last.start });
                    token.items.splice(-1, 1);
                }
            }
        }
    }
    *stream() {
        switch (this.type) {
            case 'directive-line':
                yield { type: 'directive', offset: this.offset, source: this.source };
                return;
            case 'byte-order-mark':
            case 'space':
            case 'comment':
            case 'newline':
                yield this.sourceToken;
                return;
            case 'doc-mode':
            case 'doc-start': {
                const doc = {
                    type: 'document',
                    offset: this.offset,
                    start: []
                };
                if (this.type === 'doc-start')
                    doc.start.push(this.sourceToken);
                this.stack.push(doc);
                return;
            }
        }
        yield {
            type: 'error',
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML stream`,
            source: this.source
        };
    }
    *document(doc) {
        if (doc.value)
            return yield* this.lineEnd(doc);
        switch (this.type) {
            case 'doc-start': {
                if (findNonEmptyIndex(doc.start) !== -1) {
                    yield* this.pop();
                    yield* this.step();
                }
                else
                    doc.start.push(this.sourceToken);
                return;
            }
            case 'anchor':
            case 'tag':
            case 'space':
            case 'comment':
            case 'newline':
                doc.start.push(this.sourceToken);
                return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
            this.stack.push(bv);
        else {
            yield {
                type: 'error',
                offset: this.offset,
                message: `Unexpected ${this.type} token in YAML document`,
                source: this.source
            };
        }
    }
    *scalar(scalar) {
        if (this.type === 'map-value-ind') {
            const prev = getPrevProps(this.peek(2));
            const start = getFirstKeyStartProps(prev);
            let sep;
            if (scalar.end) {
                sep = scalar.end;
                sep.push(this.sourceToken);
                delete scalar.end;
            }
            else
                sep = [this.sourceToken];
            const map = {
                type: 'block-map',
                offset: scalar.offset,
                indent: scalar.indent,
                items: [{ start, key: scalar, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
        }
        else
            yield* this.lineEnd(scalar);
    }
    *blockScalar(scalar) {
        switch (this.type) {
            case 'space':
            case 'comment':
            case 'newline':
                scalar.props.push(this.sourceToken);
                return;
            case 'scalar':
                scalar.source = this.source;
                // block-scalar source includes trailing newline
                this.atNewLine = true;
                this.indent = 0;
                if (this.onNewLine) {
                    let nl = this.source.indexOf('\n') + 1;
                    while (nl !== 0) {
                        this.onNewLine(this.offset + nl);
                        nl = this.source.indexOf('\n', nl) + 1;
                    }
                }
                yield* this.pop();
                break;
            /* istanbul ignore next should not happen */
            default:
                yield* this.pop();
                yield* this.step();
        }
    }
    *blockMap(map) {
        const it = map.items[map.items.length - 1];
        // it.sep is true-ish if pair already has key or : separator
        switch (this.type) {
            case 'newline':
                this.onKeyLine = false;
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    it.start.push(this.sourceToken);
                }
                return;
            case 'space':
            case 'comment':
                if (it.value) {
                    map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    if (this.atIndentedComment(it.start, map.indent)) {
                        const prev = map.items[map.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            Array.prototype.push.apply(end, it.start);
                            end.push(this.sourceToken);
                            map.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
        }
        if (this.indent >= map.indent) {
            const atMapIndent = !this.onKeyLine && this.indent === map.indent;
            const atNextItem = atMapIndent &&
                (it.sep || it.explicitKey) &&
                this.type !== 'seq-item-ind';
            // For empty nodes, assign newline-separated not indented empty tokens to following node
            let start = [];
            if (atNextItem && it.sep && !it.value) {
                const nl = [];
                for (let i = 0; i < it.sep.length; ++i) {
                    const st = it.sep[i];
                    switch (st.type) {
                        case 'newline':
                            nl.push(i);
                            break;
                        case 'space':
                            break;
                        case 'comment':
                            if (st.indent > map.indent)
                                nl.length = 0;
                            break;
                        default:
                            nl.length = 0;
                    }
                }
                if (nl.length >= 2)
                    start = it.sep.splice(nl[1]);
            }
            switch (this.type) {
                case 'anchor':
                case 'tag':
                    if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        it.sep.push(this.sourceToken);
                    }
                    else {
                        it.start.push(this.sourceToken);
                    }
                    return;
                case 'explicit-key-ind':
                    if (!it.sep && !it.explicitKey) {
                        it.start.push(this.sourceToken);
                        it.explicitKey = true;
                    }
                    else if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start, explicitKey: true });
                    }
                    else {
                        this.stack.push({
                            type: 'block-map',
                            offset: this.offset,
                            indent: this.indent,
                            items: [{ start: [this.sourceToken], explicitKey: true }]
                        });
                    }
                    this.onKeyLine = true;
                    return;
                case 'map-value-ind':
                    if (it.explicitKey) {
                        if (!it.sep) {
                            if (includesToken(it.start, 'newline')) {
                                Object.assign(it, { key: null, sep: [this.sourceToken] });
                            }
                            else {
                                const start = getFirstKeyStartProps(it.start);
                                this.stack.push({
                                    type: 'block-map',
                                    offset: this.offset,
                                    indent: this.indent,
                                    items: [{ start, key: null, sep: [this.sourceToken] }]
                                });
                            }
                        }
                        else if (it.value) {
                            map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else if (isFlowToken(it.key) &&
                            !includesToken(it.sep, 'newline')) {
                            const start = getFirstKeyStartProps(it.start);
                            const key = it.key;
                            const sep = it.sep;
                            sep.push(this.sourceToken);
                            // @ts-expect-error type guard is wrong here
                            delete it.key;
                            // @ts-expect-error type guard is wrong here
                            delete it.sep;
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key, sep }]
                            });
                        }
                        else if (start.length > 0) {
                            // Not actually at next item
                            it.sep = it.sep.concat(start, this.sourceToken);
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    else {
                        if (!it.sep) {
                            Object.assign(it, { key: null, sep: [this.sourceToken] });
                        }
                        else if (it.value || atNextItem) {
                            map.items.push({ start, key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start: [], key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    this.onKeyLine = true;
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (atNextItem || it.value) {
                        map.items.push({ start, key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        this.stack.push(fs);
                    }
                    else {
                        Object.assign(it, { key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    return;
                }
                default: {
                    const bv = this.startBlockValue(map);
                    if (bv) {
                        if (bv.type === 'block-seq') {
                            if (!it.explicitKey &&
                                it.sep &&
                                !includesToken(it.sep, 'newline')) {
                                yield* this.pop({
                                    type: 'error',
                                    offset: this.offset,
                                    message: 'Unexpected block-seq-ind on same line with key',
                                    source: this.source
                                });
                                return;
                            }
                        }
                        else if (atMapIndent) {
                            map.items.push({ start });
                        }
                        this.stack.push(bv);
                        return;
                    }
                }
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
            case 'newline':
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        seq.items.push({ start: [this.sourceToken] });
                }
                else
                    it.start.push(this.sourceToken);
                return;
            case 'space':
            case 'comment':
                if (it.value)
                    seq.items.push({ start: [this.sourceToken] });
                else {
                    if (this.atIndentedComment(it.start, seq.indent)) {
                        const prev = seq.items[seq.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            Array.prototype.push.apply(end, it.start);
                            end.push(this.sourceToken);
                            seq.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
            case 'anchor':
            case 'tag':
                if (it.value || this.indent <= seq.indent)
                    break;
                it.start.push(this.sourceToken);
                return;
            case 'seq-item-ind':
                if (this.indent !== seq.indent)
                    break;
                if (it.value || includesToken(it.start, 'seq-item-ind'))
                    seq.items.push({ start: [this.sourceToken] });
                else
                    it.start.push(this.sourceToken);
                return;
        }
        if (this.indent > seq.indent) {
            const bv = this.startBlockValue(seq);
            if (bv) {
                this.stack.push(bv);
                return;
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === 'flow-error-end') {
            let top;
            do {
                yield* this.pop();
                top = this.peek(1);
            } while (top && top.type === 'flow-collection');
        }
        else if (fc.end.length === 0) {
            switch (this.type) {
                case 'comma':
                case 'explicit-key-ind':
                    if (!it || it.sep)
                        fc.items.push({ start: [this.sourceToken] });
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'map-value-ind':
                    if (!it || it.value)
                        fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        Object.assign(it, { key: null, sep: [this.sourceToken] });
                    return;
                case 'space':
                case 'comment':
                case 'newline':
                case 'anchor':
                case 'tag':
                    if (!it || it.value)
                        fc.items.push({ start: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (!it || it.value)
                        fc.items.push({ start: [], key: fs, sep: [] });
                    else if (it.sep)
                        this.stack.push(fs);
                    else
                        Object.assign(it, { key: fs, sep: [] });
                    return;
                }
                case 'flow-map-end':
                case 'flow-seq-end':
                    fc.end.push(this.sourceToken);
                    return;
            }
            const bv = this.startBlockValue(fc);
            /* istanbul ignore else should not happen */
            if (bv)
                this.stack.push(bv);
            else {
                yield* this.pop();
                yield* this.step();
            }
        }
        else {
            const parent = this.peek(2);
            if (parent.type === 'block-map' &&
                ((this.type === 'map-value-ind' && parent.indent === fc.indent) ||
                    (this.type === 'newline' &&
                        !parent.items[parent.items.length - 1].sep))) {
                yield* this.pop();
                yield* this.step();
            }
            else if (this.type === 'map-value-ind' &&
                parent.type !== 'flow-collection') {
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                fixFlowSeqItems(fc);
                const sep = fc.end.splice(1, fc.end.length);
                sep.push(this.sourceToken);
                const map = {
                    type: 'block-map',
                    offset: fc.offset,
                    indent: fc.indent,
                    items: [{ start, key: fc, sep }]
                };
                this.onKeyLine = true;
                this.stack[this.stack.length - 1] = map;
            }
            else {
                yield* this.lineEnd(fc);
            }
        }
    }
    flowScalar(type) {
        if (this.onNewLine) {
            let nl = this.source.indexOf('\n') + 1;
            while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf('\n', nl) + 1;
            }
        }
        return {
            type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
    }
    startBlockValue(parent) {
        switch (this.type) {
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return this.flowScalar(this.type);
            case 'block-scalar-header':
                return {
                    type: 'block-scalar',
                    offset: this.offset,
                    indent: this.indent,
                    props: [this.sourceToken],
                    source: ''
                };
            case 'flow-map-start':
            case 'flow-seq-start':
                return {
                    type: 'flow-collection',
                    offset: this.offset,
                    indent: this.indent,
                    start: this.sourceToken,
                    items: [],
                    end: []
                };
            case 'seq-item-ind':
                return {
                    type: 'block-seq',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [this.sourceToken] }]
                };
            case 'explicit-key-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                start.push(this.sourceToken);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, explicitKey: true }]
                };
            }
            case 'map-value-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                };
            }
        }
        return null;
    }
    atIndentedComment(start, indent) {
        if (this.type !== 'comment')
            return false;
        if (this.indent <= indent)
            return false;
        return start.every(st => st.type === 'newline' || st.type === 'space');
    }
    *documentEnd(docEnd) {
        if (this.type !== 'doc-mode') {
            if (docEnd.end)
                docEnd.end.push(this.sourceToken);
            else
                docEnd.end = [this.sourceToken];
            if (this.type === 'newline')
                yield* this.pop();
        }
    }
    *lineEnd(token) {
        switch (this.type) {
            case 'comma':
            case 'doc-start':
            case 'doc-end':
            case 'flow-seq-end':
            case 'flow-map-end':
            case 'map-value-ind':
                yield* this.pop();
                yield* this.step();
                break;
            case 'newline':
                this.onKeyLine = false;
            // fallthrough
            case 'space':
            case 'comment':
            default:
                // all other values are errors
                if (token.end)
                    token.end.push(this.sourceToken);
                else
                    token.end = [this.sourceToken];
                if (this.type === 'newline')
                    yield* this.pop();
        }
    }
}

exports.Parser = Parser;


/***/ }),

/***/ 4047:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var log = __nccwpck_require__(7249);
var identity = __nccwpck_require__(1127);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);

function parseOptions(options) {
    const prettyErrors = options.prettyErrors !== false;
    const lineCounter$1 = options.lineCounter || (prettyErrors && new lineCounter.LineCounter()) || null;
    return { lineCounter: lineCounter$1, prettyErrors };
}
/**
 * Parse the input as a stream of YAML documents.
 *
 * Documents should be separated from each other by `...` or `---` marker lines.
 *
 * @returns If an empty `docs` array is returned, it will be of type
 *   EmptyStream and contain additional stream information. In
 *   TypeScript, you should use `'empty' in docs` as a type guard for it.
 */
function parseAllDocuments(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    const docs = Array.from(composer$1.compose(parser$1.parse(source)));
    if (prettyErrors && lineCounter)
        for (const doc of docs) {
            doc.errors.forEach(errors.prettifyError(source, lineCounter));
            doc.warnings.forEach(errors.prettifyError(source, lineCounter));
        }
    if (docs.length > 0)
        return docs;
    return Object.assign([], { empty: true }, composer$1.streamInfo());
}
/** Parse an input string into a single YAML.Document */
function parseDocument(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    // `doc` is always set by compose.end(true) at the very latest
    let doc = null;
    for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
            doc = _doc;
        else if (doc.options.logLevel !== 'silent') {
            doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
            break;
        }
    }
    if (prettyErrors && lineCounter) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter));
    }
    return doc;
}
function parse(src, reviver, options) {
    let _reviver = undefined;
    if (typeof reviver === 'function') {
        _reviver = reviver;
    }
    else if (options === undefined && reviver && typeof reviver === 'object') {
        options = reviver;
    }
    const doc = parseDocument(src, options);
    if (!doc)
        return null;
    doc.warnings.forEach(warning => log.warn(doc.options.logLevel, warning));
    if (doc.errors.length > 0) {
        if (doc.options.logLevel !== 'silent')
            throw doc.errors[0];
        else
            doc.errors = [];
    }
    return doc.toJS(Object.assign({ reviver: _reviver }, options));
}
function stringify(value, replacer, options) {
    let _replacer = null;
    if (typeof replacer === 'function' || Array.isArray(replacer)) {
        _replacer = replacer;
    }
    else if (options === undefined && replacer) {
        options = replacer;
    }
    if (typeof options === 'string')
        options = options.length;
    if (typeof options === 'number') {
        const indent = Math.round(options);
        options = indent < 1 ? undefined : indent > 8 ? { indent: 8 } : { indent };
    }
    if (value === undefined) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
            return undefined;
    }
    if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
    return new Document.Document(value, _replacer, options).toString(options);
}

exports.parse = parse;
exports.parseAllDocuments = parseAllDocuments;
exports.parseDocument = parseDocument;
exports.stringify = stringify;


/***/ }),

/***/ 5840:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var tags = __nccwpck_require__(18);

const sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
class Schema {
    constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat)
            ? tags.getTags(compat, 'compat')
            : compat
                ? tags.getTags(null, compat)
                : null;
        this.name = (typeof schema === 'string' && schema) || 'core';
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        // Used by createMap()
        this.sortMapEntries =
            typeof sortMapEntries === 'function'
                ? sortMapEntries
                : sortMapEntries === true
                    ? sortMapEntriesByKey
                    : null;
    }
    clone() {
        const copy = Object.create(Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
    }
}

exports.Schema = Schema;


/***/ }),

/***/ 7451:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLMap = __nccwpck_require__(4454);

const map = {
    collection: 'map',
    default: true,
    nodeClass: YAMLMap.YAMLMap,
    tag: 'tag:yaml.org,2002:map',
    resolve(map, onError) {
        if (!identity.isMap(map))
            onError('Expected a mapping for this tag');
        return map;
    },
    createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
};

exports.map = map;


/***/ }),

/***/ 3632:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const nullTag = {
    identify: value => value == null,
    createNode: () => new Scalar.Scalar(null),
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|[Nn]ull|NULL)?$/,
    resolve: () => new Scalar.Scalar(null),
    stringify: ({ source }, ctx) => typeof source === 'string' && nullTag.test.test(source)
        ? source
        : ctx.options.nullStr
};

exports.nullTag = nullTag;


/***/ }),

/***/ 1706:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLSeq = __nccwpck_require__(2223);

const seq = {
    collection: 'seq',
    default: true,
    nodeClass: YAMLSeq.YAMLSeq,
    tag: 'tag:yaml.org,2002:seq',
    resolve(seq, onError) {
        if (!identity.isSeq(seq))
            onError('Expected a sequence for this tag');
        return seq;
    },
    createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
};

exports.seq = seq;


/***/ }),

/***/ 6464:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyString = __nccwpck_require__(3069);

const string = {
    identify: value => typeof value === 'string',
    default: true,
    tag: 'tag:yaml.org,2002:str',
    resolve: str => str,
    stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
    }
};

exports.string = string;


/***/ }),

/***/ 3959:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const boolTag = {
    identify: value => typeof value === 'boolean',
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    resolve: str => new Scalar.Scalar(str[0] === 't' || str[0] === 'T'),
    stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
            const sv = source[0] === 't' || source[0] === 'T';
            if (value === sv)
                return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
};

exports.boolTag = boolTag;


/***/ }),

/***/ 8405:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: str => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
    resolve: str => parseFloat(str),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf('.');
        if (dot !== -1 && str[str.length - 1] === '0')
            node.minFractionDigits = str.length - dot - 1;
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 9874:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
const intResolve = (str, offset, radix, { intAsBigInt }) => (intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix));
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
    return stringifyNumber.stringifyNumber(node);
}
const intOct = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^0o[0-7]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
    stringify: node => intStringify(node, 8, '0o')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^0x[0-9a-fA-F]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 896:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.boolTag,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float
];

exports.schema = schema;


/***/ }),

/***/ 3559:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);

function intIdentify(value) {
    return typeof value === 'bigint' || Number.isInteger(value);
}
const stringifyJSON = ({ value }) => JSON.stringify(value);
const jsonScalars = [
    {
        identify: value => typeof value === 'string',
        default: true,
        tag: 'tag:yaml.org,2002:str',
        resolve: str => str,
        stringify: stringifyJSON
    },
    {
        identify: value => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: 'tag:yaml.org,2002:null',
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
    },
    {
        identify: value => typeof value === 'boolean',
        default: true,
        tag: 'tag:yaml.org,2002:bool',
        test: /^true$|^false$/,
        resolve: str => str === 'true',
        stringify: stringifyJSON
    },
    {
        identify: intIdentify,
        default: true,
        tag: 'tag:yaml.org,2002:int',
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
    },
    {
        identify: value => typeof value === 'number',
        default: true,
        tag: 'tag:yaml.org,2002:float',
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: str => parseFloat(str),
        stringify: stringifyJSON
    }
];
const jsonError = {
    default: true,
    tag: '',
    test: /^/,
    resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
    }
};
const schema = [map.map, seq.seq].concat(jsonScalars, jsonError);

exports.schema = schema;


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);
var schema = __nccwpck_require__(896);
var schema$1 = __nccwpck_require__(3559);
var binary = __nccwpck_require__(6083);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var schema$2 = __nccwpck_require__(5913);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schemas = new Map([
    ['core', schema.schema],
    ['failsafe', [map.map, seq.seq, string.string]],
    ['json', schema$1.schema],
    ['yaml11', schema$2.schema],
    ['yaml-1.1', schema$2.schema]
]);
const tagsByName = {
    binary: binary.binary,
    bool: bool.boolTag,
    float: float.float,
    floatExp: float.floatExp,
    floatNaN: float.floatNaN,
    floatTime: timestamp.floatTime,
    int: int.int,
    intHex: int.intHex,
    intOct: int.intOct,
    intTime: timestamp.intTime,
    map: map.map,
    merge: merge.merge,
    null: _null.nullTag,
    omap: omap.omap,
    pairs: pairs.pairs,
    seq: seq.seq,
    set: set.set,
    timestamp: timestamp.timestamp
};
const coreKnownTags = {
    'tag:yaml.org,2002:binary': binary.binary,
    'tag:yaml.org,2002:merge': merge.merge,
    'tag:yaml.org,2002:omap': omap.omap,
    'tag:yaml.org,2002:pairs': pairs.pairs,
    'tag:yaml.org,2002:set': set.set,
    'tag:yaml.org,2002:timestamp': timestamp.timestamp
};
function getTags(customTags, schemaName, addMergeTag) {
    const schemaTags = schemas.get(schemaName);
    if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge)
            ? schemaTags.concat(merge.merge)
            : schemaTags.slice();
    }
    let tags = schemaTags;
    if (!tags) {
        if (Array.isArray(customTags))
            tags = [];
        else {
            const keys = Array.from(schemas.keys())
                .filter(key => key !== 'yaml11')
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
    }
    if (Array.isArray(customTags)) {
        for (const tag of customTags)
            tags = tags.concat(tag);
    }
    else if (typeof customTags === 'function') {
        tags = customTags(tags.slice());
    }
    if (addMergeTag)
        tags = tags.concat(merge.merge);
    return tags.reduce((tags, tag) => {
        const tagObj = typeof tag === 'string' ? tagsByName[tag] : tag;
        if (!tagObj) {
            const tagName = JSON.stringify(tag);
            const keys = Object.keys(tagsByName)
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags.includes(tagObj))
            tags.push(tagObj);
        return tags;
    }, []);
}

exports.coreKnownTags = coreKnownTags;
exports.getTags = getTags;


/***/ }),

/***/ 6083:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_buffer = __nccwpck_require__(181);
var Scalar = __nccwpck_require__(3301);
var stringifyString = __nccwpck_require__(3069);

const binary = {
    identify: value => value instanceof Uint8Array, // Buffer inherits from Uint8Array
    default: false,
    tag: 'tag:yaml.org,2002:binary',
    /**
     * Returns a Buffer in node and an Uint8Array in browsers
     *
     * To use the resulting buffer as an image, you'll want to do something like:
     *
     *   const blob = new Blob([buffer], { type: 'image/jpeg' })
     *   document.querySelector('#photo').src = URL.createObjectURL(blob)
     */
    resolve(src, onError) {
        if (typeof node_buffer.Buffer === 'function') {
            return node_buffer.Buffer.from(src, 'base64');
        }
        else if (typeof atob === 'function') {
            // On IE 11, atob() can't handle newlines
            const str = atob(src.replace(/[\n\r]/g, ''));
            const buffer = new Uint8Array(str.length);
            for (let i = 0; i < str.length; ++i)
                buffer[i] = str.charCodeAt(i);
            return buffer;
        }
        else {
            onError('This environment does not support reading binary tags; either Buffer or atob is required');
            return src;
        }
    },
    stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
            return '';
        const buf = value; // checked earlier by binary.identify()
        let str;
        if (typeof node_buffer.Buffer === 'function') {
            str =
                buf instanceof node_buffer.Buffer
                    ? buf.toString('base64')
                    : node_buffer.Buffer.from(buf.buffer).toString('base64');
        }
        else if (typeof btoa === 'function') {
            let s = '';
            for (let i = 0; i < buf.length; ++i)
                s += String.fromCharCode(buf[i]);
            str = btoa(s);
        }
        else {
            throw new Error('This environment does not support writing binary tags; either Buffer or btoa is required');
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
            const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
            const n = Math.ceil(str.length / lineWidth);
            const lines = new Array(n);
            for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
                lines[i] = str.substr(o, lineWidth);
            }
            str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? '\n' : ' ');
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
    }
};

exports.binary = binary;


/***/ }),

/***/ 8398:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function boolStringify({ value, source }, ctx) {
    const boolObj = value ? trueTag : falseTag;
    if (source && boolObj.test.test(source))
        return source;
    return value ? ctx.options.trueStr : ctx.options.falseStr;
}
const trueTag = {
    identify: value => value === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
    resolve: () => new Scalar.Scalar(true),
    stringify: boolStringify
};
const falseTag = {
    identify: value => value === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
    resolve: () => new Scalar.Scalar(false),
    stringify: boolStringify
};

exports.falseTag = falseTag;
exports.trueTag = trueTag;


/***/ }),

/***/ 5782:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (str) => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
    resolve: (str) => parseFloat(str.replace(/_/g, '')),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, '')));
        const dot = str.indexOf('.');
        if (dot !== -1) {
            const f = str.substring(dot + 1).replace(/_/g, '');
            if (f[f.length - 1] === '0')
                node.minFractionDigits = f.length;
        }
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 873:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
function intResolve(str, offset, radix, { intAsBigInt }) {
    const sign = str[0];
    if (sign === '-' || sign === '+')
        offset += 1;
    str = str.substring(offset).replace(/_/g, '');
    if (intAsBigInt) {
        switch (radix) {
            case 2:
                str = `0b${str}`;
                break;
            case 8:
                str = `0o${str}`;
                break;
            case 16:
                str = `0x${str}`;
                break;
        }
        const n = BigInt(str);
        return sign === '-' ? BigInt(-1) * n : n;
    }
    const n = parseInt(str, radix);
    return sign === '-' ? -1 * n : n;
}
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? '-' + prefix + str.substr(1) : prefix + str;
    }
    return stringifyNumber.stringifyNumber(node);
}
const intBin = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'BIN',
    test: /^[-+]?0b[0-1_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
    stringify: node => intStringify(node, 2, '0b')
};
const intOct = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^[-+]?0[0-7_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
    stringify: node => intStringify(node, 8, '0')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9][0-9_]*$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^[-+]?0x[0-9a-fA-F_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intBin = intBin;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 452:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

// If the value associated with a merge key is a single mapping node, each of
// its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. If the value associated with the merge key is a
// sequence, then this sequence is expected to contain mapping nodes and each
// of these nodes is merged in turn according to its order in the sequence.
// Keys in mapping nodes earlier in the sequence override keys specified in
// later mapping nodes. -- http://yaml.org/type/merge.html
const MERGE_KEY = '<<';
const merge = {
    identify: value => value === MERGE_KEY ||
        (typeof value === 'symbol' && value.description === MERGE_KEY),
    default: 'key',
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
    }),
    stringify: () => MERGE_KEY
};
const isMergeKey = (ctx, key) => (merge.identify(key) ||
    (identity.isScalar(key) &&
        (!key.type || key.type === Scalar.Scalar.PLAIN) &&
        merge.identify(key.value))) &&
    ctx?.doc.schema.tags.some(tag => tag.tag === merge.tag && tag.default);
function addMergeToJSMap(ctx, map, value) {
    value = ctx && identity.isAlias(value) ? value.resolve(ctx.doc) : value;
    if (identity.isSeq(value))
        for (const it of value.items)
            mergeValue(ctx, map, it);
    else if (Array.isArray(value))
        for (const it of value)
            mergeValue(ctx, map, it);
    else
        mergeValue(ctx, map, value);
}
function mergeValue(ctx, map, value) {
    const source = ctx && identity.isAlias(value) ? value.resolve(ctx.doc) : value;
    if (!identity.isMap(source))
        throw new Error('Merge sources must be maps or map aliases');
    const srcMap = source.toJSON(null, ctx, Map);
    for (const [key, value] of srcMap) {
        if (map instanceof Map) {
            if (!map.has(key))
                map.set(key, value);
        }
        else if (map instanceof Set) {
            map.add(key);
        }
        else if (!Object.prototype.hasOwnProperty.call(map, key)) {
            Object.defineProperty(map, key, {
                value,
                writable: true,
                enumerable: true,
                configurable: true
            });
        }
    }
    return map;
}

exports.addMergeToJSMap = addMergeToJSMap;
exports.isMergeKey = isMergeKey;
exports.merge = merge;


/***/ }),

/***/ 303:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var pairs = __nccwpck_require__(8385);

class YAMLOMap extends YAMLSeq.YAMLSeq {
    constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = YAMLOMap.tag;
    }
    /**
     * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
     * but TypeScript won't allow widening the signature of a child method.
     */
    toJSON(_, ctx) {
        if (!ctx)
            return super.toJSON(_);
        const map = new Map();
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const pair of this.items) {
            let key, value;
            if (identity.isPair(pair)) {
                key = toJS.toJS(pair.key, '', ctx);
                value = toJS.toJS(pair.value, key, ctx);
            }
            else {
                key = toJS.toJS(pair, '', ctx);
            }
            if (map.has(key))
                throw new Error('Ordered maps must not include duplicate keys');
            map.set(key, value);
        }
        return map;
    }
    static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap = new this();
        omap.items = pairs$1.items;
        return omap;
    }
}
YAMLOMap.tag = 'tag:yaml.org,2002:omap';
const omap = {
    collection: 'seq',
    identify: value => value instanceof Map,
    nodeClass: YAMLOMap,
    default: false,
    tag: 'tag:yaml.org,2002:omap',
    resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
            if (identity.isScalar(key)) {
                if (seenKeys.includes(key.value)) {
                    onError(`Ordered maps must not include duplicate keys: ${key.value}`);
                }
                else {
                    seenKeys.push(key.value);
                }
            }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
    },
    createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
};

exports.YAMLOMap = YAMLOMap;
exports.omap = omap;


/***/ }),

/***/ 8385:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLSeq = __nccwpck_require__(2223);

function resolvePairs(seq, onError) {
    if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
            let item = seq.items[i];
            if (identity.isPair(item))
                continue;
            else if (identity.isMap(item)) {
                if (item.items.length > 1)
                    onError('Each pair must have its own sequence indicator');
                const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
                if (item.commentBefore)
                    pair.key.commentBefore = pair.key.commentBefore
                        ? `${item.commentBefore}\n${pair.key.commentBefore}`
                        : item.commentBefore;
                if (item.comment) {
                    const cn = pair.value ?? pair.key;
                    cn.comment = cn.comment
                        ? `${item.comment}\n${cn.comment}`
                        : item.comment;
                }
                item = pair;
            }
            seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
    }
    else
        onError('Expected a sequence for this tag');
    return seq;
}
function createPairs(schema, iterable, ctx) {
    const { replacer } = ctx;
    const pairs = new YAMLSeq.YAMLSeq(schema);
    pairs.tag = 'tag:yaml.org,2002:pairs';
    let i = 0;
    if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
            if (typeof replacer === 'function')
                it = replacer.call(iterable, String(i++), it);
            let key, value;
            if (Array.isArray(it)) {
                if (it.length === 2) {
                    key = it[0];
                    value = it[1];
                }
                else
                    throw new TypeError(`Expected [key, value] tuple: ${it}`);
            }
            else if (it && it instanceof Object) {
                const keys = Object.keys(it);
                if (keys.length === 1) {
                    key = keys[0];
                    value = it[key];
                }
                else {
                    throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
                }
            }
            else {
                key = it;
            }
            pairs.items.push(Pair.createPair(key, value, ctx));
        }
    return pairs;
}
const pairs = {
    collection: 'seq',
    default: false,
    tag: 'tag:yaml.org,2002:pairs',
    resolve: resolvePairs,
    createNode: createPairs
};

exports.createPairs = createPairs;
exports.pairs = pairs;
exports.resolvePairs = resolvePairs;


/***/ }),

/***/ 5913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var binary = __nccwpck_require__(6083);
var bool = __nccwpck_require__(8398);
var float = __nccwpck_require__(5782);
var int = __nccwpck_require__(873);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.trueTag,
    bool.falseTag,
    int.intBin,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float,
    binary.binary,
    merge.merge,
    omap.omap,
    pairs.pairs,
    set.set,
    timestamp.intTime,
    timestamp.floatTime,
    timestamp.timestamp
];

exports.schema = schema;


/***/ }),

/***/ 1528:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);

class YAMLSet extends YAMLMap.YAMLMap {
    constructor(schema) {
        super(schema);
        this.tag = YAMLSet.tag;
    }
    add(key) {
        let pair;
        if (identity.isPair(key))
            pair = key;
        else if (key &&
            typeof key === 'object' &&
            'key' in key &&
            'value' in key &&
            key.value === null)
            pair = new Pair.Pair(key.key, null);
        else
            pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
            this.items.push(pair);
    }
    /**
     * If `keepPair` is `true`, returns the Pair matching `key`.
     * Otherwise, returns the value of that Pair's key.
     */
    get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair)
            ? identity.isScalar(pair.key)
                ? pair.key.value
                : pair.key
            : pair;
    }
    set(key, value) {
        if (typeof value !== 'boolean')
            throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
            this.items.splice(this.items.indexOf(prev), 1);
        }
        else if (!prev && value) {
            this.items.push(new Pair.Pair(key));
        }
    }
    toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        if (this.hasAllNullValues(true))
            return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
            throw new Error('Set items must all have null values');
    }
    static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
            for (let value of iterable) {
                if (typeof replacer === 'function')
                    value = replacer.call(iterable, value, value);
                set.items.push(Pair.createPair(value, null, ctx));
            }
        return set;
    }
}
YAMLSet.tag = 'tag:yaml.org,2002:set';
const set = {
    collection: 'map',
    identify: value => value instanceof Set,
    nodeClass: YAMLSet,
    default: false,
    tag: 'tag:yaml.org,2002:set',
    createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
    resolve(map, onError) {
        if (identity.isMap(map)) {
            if (map.hasAllNullValues(true))
                return Object.assign(new YAMLSet(), map);
            else
                onError('Set items must all have null values');
        }
        else
            onError('Expected a mapping for this tag');
        return map;
    }
};

exports.YAMLSet = YAMLSet;
exports.set = set;


/***/ }),

/***/ 6752:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

/** Internal types handle bigint as number, because TS can't figure it out. */
function parseSexagesimal(str, asBigInt) {
    const sign = str[0];
    const parts = sign === '-' || sign === '+' ? str.substring(1) : str;
    const num = (n) => asBigInt ? BigInt(n) : Number(n);
    const res = parts
        .replace(/_/g, '')
        .split(':')
        .reduce((res, p) => res * num(60) + num(p), num(0));
    return (sign === '-' ? num(-1) * res : res);
}
/**
 * hhhh:mm:ss.sss
 *
 * Internal types handle bigint as number, because TS can't figure it out.
 */
function stringifySexagesimal(node) {
    let { value } = node;
    let num = (n) => n;
    if (typeof value === 'bigint')
        num = n => BigInt(n);
    else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
    let sign = '';
    if (value < 0) {
        sign = '-';
        value *= num(-1);
    }
    const _60 = num(60);
    const parts = [value % _60]; // seconds, including ms
    if (value < 60) {
        parts.unshift(0); // at least one : is required
    }
    else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60); // minutes
        if (value >= 60) {
            value = (value - parts[0]) / _60;
            parts.unshift(value); // hours
        }
    }
    return (sign +
        parts
            .map(n => String(n).padStart(2, '0'))
            .join(':')
            .replace(/000000\d*$/, '') // % 60 may introduce error
    );
}
const intTime = {
    identify: value => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
    resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
    stringify: stringifySexagesimal
};
const floatTime = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    resolve: str => parseSexagesimal(str, false),
    stringify: stringifySexagesimal
};
const timestamp = {
    identify: value => value instanceof Date,
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
    // may be omitted altogether, resulting in a date format. In such a case, the time part is
    // assumed to be 00:00:00Z (start of day, UTC).
    test: RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
        '(?:' + // time is optional
        '(?:t|T|[ \\t]+)' + // t | T | whitespace
        '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
        '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
        ')?$'),
    resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
            throw new Error('!!timestamp expects a date, starting with yyyy-mm-dd');
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + '00').substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== 'Z') {
            let d = parseSexagesimal(tz, false);
            if (Math.abs(d) < 30)
                d *= 60;
            date -= 60000 * d;
        }
        return new Date(date);
    },
    stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, '') ?? ''
};

exports.floatTime = floatTime;
exports.intTime = intTime;
exports.timestamp = timestamp;


/***/ }),

/***/ 4475:
/***/ ((__unused_webpack_module, exports) => {



const FOLD_FLOW = 'flow';
const FOLD_BLOCK = 'block';
const FOLD_QUOTED = 'quoted';
/**
 * Tries to keep input at up to `lineWidth` characters, splitting only on spaces
 * not followed by newlines or spaces unless `mode` is `'quoted'`. Lines are
 * terminated with `\n` and started with `indent`.
 */
function foldFlowLines(text, indent, mode = 'flow', { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
    if (!lineWidth || lineWidth < 0)
        return text;
    if (lineWidth < minContentWidth)
        minContentWidth = 0;
    const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
    if (text.length <= endStep)
        return text;
    const folds = [];
    const escapedFolds = {};
    let end = lineWidth - indent.length;
    if (typeof indentAtStart === 'number') {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
            folds.push(0);
        else
            end = lineWidth - indentAtStart;
    }
    let split = undefined;
    let prev = undefined;
    let overflow = false;
    let i = -1;
    let escStart = -1;
    let escEnd = -1;
    if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
            end = i + endStep;
    }
    for (let ch; (ch = text[(i += 1)]);) {
        if (mode === FOLD_QUOTED && ch === '\\') {
            escStart = i;
            switch (text[i + 1]) {
                case 'x':
                    i += 3;
                    break;
                case 'u':
                    i += 5;
                    break;
                case 'U':
                    i += 9;
                    break;
                default:
                    i += 1;
            }
            escEnd = i;
        }
        if (ch === '\n') {
            if (mode === FOLD_BLOCK)
                i = consumeMoreIndentedLines(text, i, indent.length);
            end = i + indent.length + endStep;
            split = undefined;
        }
        else {
            if (ch === ' ' &&
                prev &&
                prev !== ' ' &&
                prev !== '\n' &&
                prev !== '\t') {
                // space surrounded by non-space can be replaced with newline + indent
                const next = text[i + 1];
                if (next && next !== ' ' && next !== '\n' && next !== '\t')
                    split = i;
            }
            if (i >= end) {
                if (split) {
                    folds.push(split);
                    end = split + endStep;
                    split = undefined;
                }
                else if (mode === FOLD_QUOTED) {
                    // white-space collected at end may stretch past lineWidth
                    while (prev === ' ' || prev === '\t') {
                        prev = ch;
                        ch = text[(i += 1)];
                        overflow = true;
                    }
                    // Account for newline escape, but don't break preceding escape
                    const j = i > escEnd + 1 ? i - 2 : escStart - 1;
                    // Bail out if lineWidth & minContentWidth are shorter than an escape string
                    if (escapedFolds[j])
                        return text;
                    folds.push(j);
                    escapedFolds[j] = true;
                    end = j + endStep;
                    split = undefined;
                }
                else {
                    overflow = true;
                }
            }
        }
        prev = ch;
    }
    if (overflow && onOverflow)
        onOverflow();
    if (folds.length === 0)
        return text;
    if (onFold)
        onFold();
    let res = text.slice(0, folds[0]);
    for (let i = 0; i < folds.length; ++i) {
        const fold = folds[i];
        const end = folds[i + 1] || text.length;
        if (fold === 0)
            res = `\n${indent}${text.slice(0, end)}`;
        else {
            if (mode === FOLD_QUOTED && escapedFolds[fold])
                res += `${text[fold]}\\`;
            res += `\n${indent}${text.slice(fold + 1, end)}`;
        }
    }
    return res;
}
/**
 * Presumes `i + 1` is at the start of a line
 * @returns index of last newline in more-indented block
 */
function consumeMoreIndentedLines(text, i, indent) {
    let end = i;
    let start = i + 1;
    let ch = text[start];
    while (ch === ' ' || ch === '\t') {
        if (i < start + indent) {
            ch = text[++i];
        }
        else {
            do {
                ch = text[++i];
            } while (ch && ch !== '\n');
            end = i;
            start = i + 1;
            ch = text[start];
        }
    }
    return end;
}

exports.FOLD_BLOCK = FOLD_BLOCK;
exports.FOLD_FLOW = FOLD_FLOW;
exports.FOLD_QUOTED = FOLD_QUOTED;
exports.foldFlowLines = foldFlowLines;


/***/ }),

/***/ 2148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var identity = __nccwpck_require__(1127);
var stringifyComment = __nccwpck_require__(9799);
var stringifyString = __nccwpck_require__(3069);

function createStringifyContext(doc, options) {
    const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: 'PLAIN',
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: 'false',
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: 'null',
        simpleKeys: false,
        singleQuote: null,
        trueStr: 'true',
        verifyAliasOrder: true
    }, doc.schema.toStringOptions, options);
    let inFlow;
    switch (opt.collectionStyle) {
        case 'block':
            inFlow = false;
            break;
        case 'flow':
            inFlow = true;
            break;
        default:
            inFlow = null;
    }
    return {
        anchors: new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? ' ' : '',
        indent: '',
        indentStep: typeof opt.indent === 'number' ? ' '.repeat(opt.indent) : '  ',
        inFlow,
        options: opt
    };
}
function getTagObject(tags, item) {
    if (item.tag) {
        const match = tags.filter(t => t.tag === item.tag);
        if (match.length > 0)
            return match.find(t => t.format === item.format) ?? match[0];
    }
    let tagObj = undefined;
    let obj;
    if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter(t => t.identify?.(obj));
        if (match.length > 1) {
            const testMatch = match.filter(t => t.test);
            if (testMatch.length > 0)
                match = testMatch;
        }
        tagObj =
            match.find(t => t.format === item.format) ?? match.find(t => !t.format);
    }
    else {
        obj = item;
        tagObj = tags.find(t => t.nodeClass && obj instanceof t.nodeClass);
    }
    if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? 'null' : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
    }
    return tagObj;
}
// needs to be called before value stringifier to allow for circular anchor refs
function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
    if (!doc.directives)
        return '';
    const props = [];
    const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
    if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
    }
    const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
    if (tag)
        props.push(doc.directives.tagString(tag));
    return props.join(' ');
}
function stringify(item, ctx, onComment, onChompKeep) {
    if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
    if (identity.isAlias(item)) {
        if (ctx.doc.directives)
            return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
            throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        }
        else {
            if (ctx.resolvedAliases)
                ctx.resolvedAliases.add(item);
            else
                ctx.resolvedAliases = new Set([item]);
            item = item.resolve(ctx.doc);
        }
    }
    let tagObj = undefined;
    const node = identity.isNode(item)
        ? item
        : ctx.doc.createNode(item, { onTagObj: o => (tagObj = o) });
    tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
    const props = stringifyProps(node, tagObj, ctx);
    if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
    const str = typeof tagObj.stringify === 'function'
        ? tagObj.stringify(node, ctx, onComment, onChompKeep)
        : identity.isScalar(node)
            ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep)
            : node.toString(ctx, onComment, onChompKeep);
    if (!props)
        return str;
    return identity.isScalar(node) || str[0] === '{' || str[0] === '['
        ? `${props} ${str}`
        : `${props}\n${ctx.indent}${str}`;
}

exports.createStringifyContext = createStringifyContext;
exports.stringify = stringify;


/***/ }),

/***/ 1212:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyCollection(collection, ctx, options) {
    const flow = ctx.inFlow ?? collection.flow;
    const stringify = flow ? stringifyFlowCollection : stringifyBlockCollection;
    return stringify(collection, ctx, options);
}
function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
    const { indent, options: { commentString } } = ctx;
    const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
    let chompKeep = false; // flag for the preceding node's status
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (!chompKeep && item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (!chompKeep && ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
            }
        }
        chompKeep = false;
        let str = stringify.stringify(item, itemCtx, () => (comment = null), () => (chompKeep = true));
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (chompKeep && comment)
            chompKeep = false;
        lines.push(blockItemPrefix + str);
    }
    let str;
    if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
    }
    else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
            const line = lines[i];
            str += line ? `\n${indent}${line}` : '\n';
        }
    }
    if (comment) {
        str += '\n' + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
            onComment();
    }
    else if (chompKeep && onChompKeep)
        onChompKeep();
    return str;
}
function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
    const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
    itemIndent += indentStep;
    const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
    });
    let reqNewline = false;
    let linesAtValue = 0;
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, false);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, false);
                if (ik.comment)
                    reqNewline = true;
            }
            const iv = identity.isNode(item.value) ? item.value : null;
            if (iv) {
                if (iv.comment)
                    comment = iv.comment;
                if (iv.commentBefore)
                    reqNewline = true;
            }
            else if (item.value == null && ik?.comment) {
                comment = ik.comment;
            }
        }
        if (comment)
            reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => (comment = null));
        if (i < items.length - 1)
            str += ',';
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (!reqNewline && (lines.length > linesAtValue || str.includes('\n')))
            reqNewline = true;
        lines.push(str);
        linesAtValue = lines.length;
    }
    const { start, end } = flowChars;
    if (lines.length === 0) {
        return start + end;
    }
    else {
        if (!reqNewline) {
            const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
            reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
            let str = start;
            for (const line of lines)
                str += line ? `\n${indentStep}${indent}${line}` : '\n';
            return `${str}\n${indent}${end}`;
        }
        else {
            return `${start}${fcPadding}${lines.join(' ')}${fcPadding}${end}`;
        }
    }
}
function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
    if (comment && chompKeep)
        comment = comment.replace(/^\n+/, '');
    if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart()); // Avoid double indent on first line
    }
}

exports.stringifyCollection = stringifyCollection;


/***/ }),

/***/ 9799:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringifies a comment.
 *
 * Empty comment lines are left empty,
 * lines consisting of a single space are replaced by `#`,
 * and all other lines are prefixed with a `#`.
 */
const stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, '#');
function indentComment(comment, indent) {
    if (/^\n+$/.test(comment))
        return comment.substring(1);
    return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
}
const lineComment = (str, indent, comment) => str.endsWith('\n')
    ? indentComment(comment, indent)
    : comment.includes('\n')
        ? '\n' + indentComment(comment, indent)
        : (str.endsWith(' ') ? '' : ' ') + comment;

exports.indentComment = indentComment;
exports.lineComment = lineComment;
exports.stringifyComment = stringifyComment;


/***/ }),

/***/ 6829:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyDocument(doc, options) {
    const lines = [];
    let hasDirectives = options.directives === true;
    if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
            lines.push(dir);
            hasDirectives = true;
        }
        else if (doc.directives.docStart)
            hasDirectives = true;
    }
    if (hasDirectives)
        lines.push('---');
    const ctx = stringify.createStringifyContext(doc, options);
    const { commentString } = ctx.options;
    if (doc.commentBefore) {
        if (lines.length !== 1)
            lines.unshift('');
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ''));
    }
    let chompKeep = false;
    let contentComment = null;
    if (doc.contents) {
        if (identity.isNode(doc.contents)) {
            if (doc.contents.spaceBefore && hasDirectives)
                lines.push('');
            if (doc.contents.commentBefore) {
                const cs = commentString(doc.contents.commentBefore);
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            // top-level block scalars need to be indented if followed by a comment
            ctx.forceBlockIndent = !!doc.comment;
            contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? undefined : () => (chompKeep = true);
        let body = stringify.stringify(doc.contents, ctx, () => (contentComment = null), onChompKeep);
        if (contentComment)
            body += stringifyComment.lineComment(body, '', commentString(contentComment));
        if ((body[0] === '|' || body[0] === '>') &&
            lines[lines.length - 1] === '---') {
            // Top-level block scalars with a preceding doc marker ought to use the
            // same line for their header.
            lines[lines.length - 1] = `--- ${body}`;
        }
        else
            lines.push(body);
    }
    else {
        lines.push(stringify.stringify(doc.contents, ctx));
    }
    if (doc.directives?.docEnd) {
        if (doc.comment) {
            const cs = commentString(doc.comment);
            if (cs.includes('\n')) {
                lines.push('...');
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            else {
                lines.push(`... ${cs}`);
            }
        }
        else {
            lines.push('...');
        }
    }
    else {
        let dc = doc.comment;
        if (dc && chompKeep)
            dc = dc.replace(/^\n+/, '');
        if (dc) {
            if ((!chompKeep || contentComment) && lines[lines.length - 1] !== '')
                lines.push('');
            lines.push(stringifyComment.indentComment(commentString(dc), ''));
        }
    }
    return lines.join('\n') + '\n';
}

exports.stringifyDocument = stringifyDocument;


/***/ }),

/***/ 8689:
/***/ ((__unused_webpack_module, exports) => {



function stringifyNumber({ format, minFractionDigits, tag, value }) {
    if (typeof value === 'bigint')
        return String(value);
    const num = typeof value === 'number' ? value : Number(value);
    if (!isFinite(num))
        return isNaN(num) ? '.nan' : num < 0 ? '-.inf' : '.inf';
    let n = JSON.stringify(value);
    if (!format &&
        minFractionDigits &&
        (!tag || tag === 'tag:yaml.org,2002:float') &&
        /^\d/.test(n)) {
        let i = n.indexOf('.');
        if (i < 0) {
            i = n.length;
            n += '.';
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
            n += '0';
    }
    return n;
}

exports.stringifyNumber = stringifyNumber;


/***/ }),

/***/ 9748:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
    const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
    let keyComment = (identity.isNode(key) && key.comment) || null;
    if (simpleKeys) {
        if (keyComment) {
            throw new Error('With simple keys, key nodes cannot have comments');
        }
        if (identity.isCollection(key) || (!identity.isNode(key) && typeof key === 'object')) {
            const msg = 'With simple keys, collection cannot be used as a key value';
            throw new Error(msg);
        }
    }
    let explicitKey = !simpleKeys &&
        (!key ||
            (keyComment && value == null && !ctx.inFlow) ||
            identity.isCollection(key) ||
            (identity.isScalar(key)
                ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL
                : typeof key === 'object'));
    ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
    });
    let keyCommentDone = false;
    let chompKeep = false;
    let str = stringify.stringify(key, ctx, () => (keyCommentDone = true), () => (chompKeep = true));
    if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
            throw new Error('With simple keys, single line scalar must not span more than 1024 characters');
        explicitKey = true;
    }
    if (ctx.inFlow) {
        if (allNullValues || value == null) {
            if (keyCommentDone && onComment)
                onComment();
            return str === '' ? '?' : explicitKey ? `? ${str}` : str;
        }
    }
    else if ((allNullValues && !simpleKeys) || (value == null && explicitKey)) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        }
        else if (chompKeep && onChompKeep)
            onChompKeep();
        return str;
    }
    if (keyCommentDone)
        keyComment = null;
    if (explicitKey) {
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}\n${indent}:`;
    }
    else {
        str = `${str}:`;
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
    }
    let vsb, vcb, valueComment;
    if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
    }
    else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === 'object')
            value = doc.createNode(value);
    }
    ctx.implicitKey = false;
    if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
    chompKeep = false;
    if (!indentSeq &&
        indentStep.length >= 2 &&
        !ctx.inFlow &&
        !explicitKey &&
        identity.isSeq(value) &&
        !value.flow &&
        !value.tag &&
        !value.anchor) {
        // If indentSeq === false, consider '- ' as part of indentation where possible
        ctx.indent = ctx.indent.substring(2);
    }
    let valueCommentDone = false;
    const valueStr = stringify.stringify(value, ctx, () => (valueCommentDone = true), () => (chompKeep = true));
    let ws = ' ';
    if (keyComment || vsb || vcb) {
        ws = vsb ? '\n' : '';
        if (vcb) {
            const cs = commentString(vcb);
            ws += `\n${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === '' && !ctx.inFlow) {
            if (ws === '\n')
                ws = '\n\n';
        }
        else {
            ws += `\n${ctx.indent}`;
        }
    }
    else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf('\n');
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
            let hasPropsLine = false;
            if (hasNewline && (vs0 === '&' || vs0 === '!')) {
                let sp0 = valueStr.indexOf(' ');
                if (vs0 === '&' &&
                    sp0 !== -1 &&
                    sp0 < nl0 &&
                    valueStr[sp0 + 1] === '!') {
                    sp0 = valueStr.indexOf(' ', sp0 + 1);
                }
                if (sp0 === -1 || nl0 < sp0)
                    hasPropsLine = true;
            }
            if (!hasPropsLine)
                ws = `\n${ctx.indent}`;
        }
    }
    else if (valueStr === '' || valueStr[0] === '\n') {
        ws = '';
    }
    str += ws + valueStr;
    if (ctx.inFlow) {
        if (valueCommentDone && onComment)
            onComment();
    }
    else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
    }
    else if (chompKeep && onChompKeep) {
        onChompKeep();
    }
    return str;
}

exports.stringifyPair = stringifyPair;


/***/ }),

/***/ 3069:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var foldFlowLines = __nccwpck_require__(4475);

const getFoldOptions = (ctx, isBlock) => ({
    indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
    lineWidth: ctx.options.lineWidth,
    minContentWidth: ctx.options.minContentWidth
});
// Also checks for lines starting with %, as parsing the output as YAML 1.1 will
// presume that's starting a new document.
const containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
function lineLengthOverLimit(str, lineWidth, indentLength) {
    if (!lineWidth || lineWidth < 0)
        return false;
    const limit = lineWidth - indentLength;
    const strLen = str.length;
    if (strLen <= limit)
        return false;
    for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === '\n') {
            if (i - start > limit)
                return true;
            start = i + 1;
            if (strLen - start <= limit)
                return false;
        }
    }
    return true;
}
function doubleQuotedString(value, ctx) {
    const json = JSON.stringify(value);
    if (ctx.options.doubleQuotedAsJSON)
        return json;
    const { implicitKey } = ctx;
    const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
            // space before newline needs to be escaped to not be folded
            str += json.slice(start, i) + '\\ ';
            i += 1;
            start = i;
            ch = '\\';
        }
        if (ch === '\\')
            switch (json[i + 1]) {
                case 'u':
                    {
                        str += json.slice(start, i);
                        const code = json.substr(i + 2, 4);
                        switch (code) {
                            case '0000':
                                str += '\\0';
                                break;
                            case '0007':
                                str += '\\a';
                                break;
                            case '000b':
                                str += '\\v';
                                break;
                            case '001b':
                                str += '\\e';
                                break;
                            case '0085':
                                str += '\\N';
                                break;
                            case '00a0':
                                str += '\\_';
                                break;
                            case '2028':
                                str += '\\L';
                                break;
                            case '2029':
                                str += '\\P';
                                break;
                            default:
                                if (code.substr(0, 2) === '00')
                                    str += '\\x' + code.substr(2);
                                else
                                    str += json.substr(i, 6);
                        }
                        i += 5;
                        start = i + 1;
                    }
                    break;
                case 'n':
                    if (implicitKey ||
                        json[i + 2] === '"' ||
                        json.length < minMultiLineLength) {
                        i += 1;
                    }
                    else {
                        // folding will eat first newline
                        str += json.slice(start, i) + '\n\n';
                        while (json[i + 2] === '\\' &&
                            json[i + 3] === 'n' &&
                            json[i + 4] !== '"') {
                            str += '\n';
                            i += 2;
                        }
                        str += indent;
                        // space after newline needs to be escaped to not be folded
                        if (json[i + 2] === ' ')
                            str += '\\';
                        i += 1;
                        start = i + 1;
                    }
                    break;
                default:
                    i += 1;
            }
    }
    str = start ? str + json.slice(start) : json;
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
}
function singleQuotedString(value, ctx) {
    if (ctx.options.singleQuote === false ||
        (ctx.implicitKey && value.includes('\n')) ||
        /[ \t]\n|\n[ \t]/.test(value) // single quoted string can't have leading or trailing whitespace around newline
    )
        return doubleQuotedString(value, ctx);
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
    return ctx.implicitKey
        ? res
        : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function quotedString(value, ctx) {
    const { singleQuote } = ctx.options;
    let qs;
    if (singleQuote === false)
        qs = doubleQuotedString;
    else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
            qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
            qs = doubleQuotedString;
        else
            qs = singleQuote ? singleQuotedString : doubleQuotedString;
    }
    return qs(value, ctx);
}
// The negative lookbehind avoids a polynomial search,
// but isn't supported yet on Safari: https://caniuse.com/js-regexp-lookbehind
let blockEndNewlines;
try {
    blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
}
catch {
    blockEndNewlines = /\n+(?!\n|$)/g;
}
function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
    const { blockQuote, commentString, lineWidth } = ctx.options;
    // 1. Block can't end in whitespace unless the last line is non-empty.
    // 2. Strings consisting of only whitespace are best rendered explicitly.
    if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
    }
    const indent = ctx.indent ||
        (ctx.forceBlockIndent || containsDocumentMarker(value) ? '  ' : '');
    const literal = blockQuote === 'literal'
        ? true
        : blockQuote === 'folded' || type === Scalar.Scalar.BLOCK_FOLDED
            ? false
            : type === Scalar.Scalar.BLOCK_LITERAL
                ? true
                : !lineLengthOverLimit(value, lineWidth, indent.length);
    if (!value)
        return literal ? '|\n' : '>\n';
    // determine chomping from whitespace at value end
    let chomp;
    let endStart;
    for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== '\n' && ch !== '\t' && ch !== ' ')
            break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) {
        chomp = '-'; // strip
    }
    else if (value === end || endNlPos !== end.length - 1) {
        chomp = '+'; // keep
        if (onChompKeep)
            onChompKeep();
    }
    else {
        chomp = ''; // clip
    }
    if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === '\n')
            end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
    }
    // determine indent indicator from whitespace at value start
    let startWithSpace = false;
    let startEnd;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === ' ')
            startWithSpace = true;
        else if (ch === '\n')
            startNlPos = startEnd;
        else
            break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
    }
    const indentSize = indent ? '2' : '1'; // root is at -1
    // Leading | or > is added later
    let header = (startWithSpace ? indentSize : '') + chomp;
    if (comment) {
        header += ' ' + commentString(comment.replace(/ ?[\r\n]+/g, ' '));
        if (onComment)
            onComment();
    }
    if (!literal) {
        const foldedValue = value
            .replace(/\n+/g, '\n$&')
            .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, '$1$2') // more-indented lines aren't folded
            //                ^ more-ind. ^ empty     ^ capture next empty lines only at end of indent
            .replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== 'folded' && type !== Scalar.Scalar.BLOCK_FOLDED) {
            foldOptions.onOverflow = () => {
                literalFallback = true;
            };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
            return `>${header}\n${indent}${body}`;
    }
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
}
function plainString(item, ctx, onComment, onChompKeep) {
    const { type, value } = item;
    const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
    if ((implicitKey && value.includes('\n')) ||
        (inFlow && /[[\]{},]/.test(value))) {
        return quotedString(value, ctx);
    }
    if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        // not allowed:
        // - '-' or '?'
        // - start with an indicator character (except [?:-]) or /[?-] /
        // - '\n ', ': ' or ' \n' anywhere
        // - '#' not preceded by a non-space char
        // - end with ' ' or ':'
        return implicitKey || inFlow || !value.includes('\n')
            ? quotedString(value, ctx)
            : blockString(item, ctx, onComment, onChompKeep);
    }
    if (!implicitKey &&
        !inFlow &&
        type !== Scalar.Scalar.PLAIN &&
        value.includes('\n')) {
        // Where allowed & type not set explicitly, prefer block style for multiline strings
        return blockString(item, ctx, onComment, onChompKeep);
    }
    if (containsDocumentMarker(value)) {
        if (indent === '') {
            ctx.forceBlockIndent = true;
            return blockString(item, ctx, onComment, onChompKeep);
        }
        else if (implicitKey && indent === indentStep) {
            return quotedString(value, ctx);
        }
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    // Verify that output will be parsed as a string, as e.g. plain numbers and
    // booleans get parsed with those types in v1.2 (e.g. '42', 'true' & '0.9e-3'),
    // and others in v1.1.
    if (actualString) {
        const test = (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
            return quotedString(value, ctx);
    }
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function stringifyString(item, ctx, onComment, onChompKeep) {
    const { implicitKey, inFlow } = ctx;
    const ss = typeof item.value === 'string'
        ? item
        : Object.assign({}, item, { value: String(item.value) });
    let { type } = item;
    if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        // force double quotes on control characters & unpaired surrogates
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
            type = Scalar.Scalar.QUOTE_DOUBLE;
    }
    const _stringify = (_type) => {
        switch (_type) {
            case Scalar.Scalar.BLOCK_FOLDED:
            case Scalar.Scalar.BLOCK_LITERAL:
                return implicitKey || inFlow
                    ? quotedString(ss.value, ctx) // blocks are not valid inside flow containers
                    : blockString(ss, ctx, onComment, onChompKeep);
            case Scalar.Scalar.QUOTE_DOUBLE:
                return doubleQuotedString(ss.value, ctx);
            case Scalar.Scalar.QUOTE_SINGLE:
                return singleQuotedString(ss.value, ctx);
            case Scalar.Scalar.PLAIN:
                return plainString(ss, ctx, onComment, onChompKeep);
            default:
                return null;
        }
    };
    let res = _stringify(type);
    if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = (implicitKey && defaultKeyType) || defaultStringType;
        res = _stringify(t);
        if (res === null)
            throw new Error(`Unsupported default string type ${t}`);
    }
    return res;
}

exports.stringifyString = stringifyString;


/***/ }),

/***/ 204:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove node');
/**
 * Apply a visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
function visit(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        visit_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current node */
visit.SKIP = SKIP;
/** Remove the current node */
visit.REMOVE = REMOVE;
function visit_(key, node, visitor, path) {
    const ctrl = callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = visit_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = visit_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = visit_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
/**
 * Apply an async visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `Promise`: Must resolve to one of the following values
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
async function visitAsync(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visitAsync.BREAK = BREAK;
/** Do not visit the children of the current node */
visitAsync.SKIP = SKIP;
/** Remove the current node */
visitAsync.REMOVE = REMOVE;
async function visitAsync_(key, node, visitor, path) {
    const ctrl = await callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = await visitAsync_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = await visitAsync_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = await visitAsync_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
function initVisitor(visitor) {
    if (typeof visitor === 'object' &&
        (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
            Alias: visitor.Node,
            Map: visitor.Node,
            Scalar: visitor.Node,
            Seq: visitor.Node
        }, visitor.Value && {
            Map: visitor.Value,
            Scalar: visitor.Value,
            Seq: visitor.Value
        }, visitor.Collection && {
            Map: visitor.Collection,
            Seq: visitor.Collection
        }, visitor);
    }
    return visitor;
}
function callVisitor(key, node, visitor, path) {
    if (typeof visitor === 'function')
        return visitor(key, node, path);
    if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
    if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
    if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
    if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
    if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
    return undefined;
}
function replaceNode(key, path, node) {
    const parent = path[path.length - 1];
    if (identity.isCollection(parent)) {
        parent.items[key] = node;
    }
    else if (identity.isPair(parent)) {
        if (key === 'key')
            parent.key = node;
        else
            parent.value = node;
    }
    else if (identity.isDocument(parent)) {
        parent.contents = node;
    }
    else {
        const pt = identity.isAlias(parent) ? 'alias' : 'scalar';
        throw new Error(`Cannot replace node with ${pt} parent`);
    }
}

exports.visit = visit;
exports.visitAsync = visitAsync;


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
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
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(5581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
