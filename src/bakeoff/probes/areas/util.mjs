import util, { inspect, promisify, callbackify, types, parseArgs, format, isDeepStrictEqual, deprecate, styleText, stripVTControlCharacters } from "node:util";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("util");
check("inspect nested object depth", () => eq(inspect({ a: { b: { c: { d: 1 } } } }), "{ a: { b: { c: [Object] } } }"));
check("inspect Map/Set show size and entries", () => deepEq([inspect(new Map([[1, 2]])), inspect(new Set([1]))], ["Map(1) { 1 => 2 }", "Set(1) { 1 }"]));
check("inspect class instance name", () => { class Foo { x = 1; } eq(inspect(new Foo()), "Foo { x: 1 }"); });
check("inspect.custom overrides the output", () => eq(inspect({ [inspect.custom]: () => "custom!" }), "custom!"));
check("inspect circular marks the reference", () => { const a = {}; a.self = a; eq(inspect(a), "<ref *1> { self: [Circular *1] }"); });
check("inspect string quoting", () => eq(inspect("it's"), `"it's"`));
check("inspect compact:false breaks lines", () => eq(inspect({ a: 1, b: 2 }, { compact: false }), "{\n  a: 1,\n  b: 2\n}"));
check("inspect Error includes stack", () => ok(inspect(new Error("boom")).includes("Error: boom\n    at "), "no stack"));
check("format %s %d %j %o", () => eq(format("%s=%d %j", "a", 42, { x: 1 }), 'a=42 {"x":1}'));
check("format extra args appended", () => eq(format("a", "b", 1), "a b 1"));
check("promisify fs-style callback function", async () => {
  const f = (x, cb) => setTimeout(() => cb(null, x * 2), 1);
  eq(await promisify(f)(21), 42);
});
check("promisify.custom is used when present", async () => {
  const f = () => {};
  f[promisify.custom] = () => Promise.resolve("custom");
  eq(await promisify(f)(), "custom");
});
check("promisify setTimeout resolves with the value", async () => eq(await promisify(setTimeout)(1, "v"), "v"));
check("callbackify passes the resolved value", async () => {
  const r = await new Promise((res) => callbackify(async () => 5)((e, v) => res(v)));
  eq(r, 5);
});
check("types.isPromise/isRegExp/isDate recognise values", () => deepEq([types.isPromise(Promise.resolve()), types.isRegExp(/a/), types.isDate(new Date())], [true, true, true]));
check("types.isProxy/isAsyncFunction recognise values", () => deepEq([types.isProxy(new Proxy({}, {})), types.isAsyncFunction(async () => {})], [true, true]));
check("types.isUint8Array on Buffer", () => ok(types.isUint8Array(Buffer.alloc(1)), "false"));
check("types.isNativeError recognises a TypeError", () => ok(types.isNativeError(new TypeError()), "false"));
check("parseArgs options and positionals", () => {
  const { values, positionals } = parseArgs({ args: ["-v", "--name=x", "file"], options: { v: { type: "boolean", short: "v" }, name: { type: "string" } }, allowPositionals: true });
  deepEq([values.v, values.name, positionals], [true, "x", ["file"]]);
});
check("parseArgs unknown option throws", () => throws(() => parseArgs({ args: ["--zz"], options: {} }), (e) => e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"));
check("parseArgs defaults and multiple", () => {
  const { values } = parseArgs({ args: ["--t", "a", "--t", "b"], options: { t: { type: "string", multiple: true }, d: { type: "string", default: "z" } } });
  deepEq([values.t, values.d], [["a", "b"], "z"]);
});
check("parseArgs tokens lists option tokens", () => ok(parseArgs({ args: ["-a"], options: { a: { type: "boolean", short: "a" } }, tokens: true }).tokens[0].kind === "option", "no tokens"));
check("isDeepStrictEqual compares structure and type", () => deepEq([isDeepStrictEqual({ a: [1] }, { a: [1] }), isDeepStrictEqual(1, "1")], [true, false]));
check("deprecate warns once with code", async () => {
  const w = new Promise((r) => process.once("warning", r));
  deprecate(() => {}, "old api", "DEP_BAKEOFF")();
  const warning = await w;
  deepEq([warning.name, warning.code], ["DeprecationWarning", "DEP_BAKEOFF"]);
});
check("inherits sets the prototype chain", () => { function A() {} function B() {} util.inherits(A, B); ok(Object.getPrototypeOf(A.prototype) === B.prototype, "no inherit"); });
check("TextEncoder/TextDecoder from node:util round trip", () => eq(new util.TextDecoder().decode(new util.TextEncoder().encode("é")), "é"));
check("styleText wraps text in ANSI codes", () => eq(styleText("red", "x", { validateStream: false }), "\u001b[31mx\u001b[39m"));
check("stripVTControlCharacters removes ANSI codes", () => eq(stripVTControlCharacters("\u001b[31mx\u001b[39m"), "x"));
check("MIMEType parses parameters", () => {
  ok(typeof util.MIMEType === "function", "util.MIMEType missing");
  eq(new util.MIMEType("text/html; charset=utf-8").params.get("charset"), "utf-8");
});
check("getSystemErrorName maps -2 to ENOENT", () => eq(util.getSystemErrorName(-2), "ENOENT"));
check("aborted() resolves when the signal aborts", async () => {
  const ac = new AbortController();
  const p = util.aborted(ac.signal, {});
  ac.abort();
  await p;
});
check("getCallSites returns the current stack", () => {
  ok(typeof util.getCallSites === "function", "util.getCallSites missing");
  ok(util.getCallSites().length > 0, "empty");
});
check("parseEnv parses dotenv content", () => {
  ok(typeof util.parseEnv === "function", "util.parseEnv missing");
  deepEq(util.parseEnv("A=1\nB=\"two\""), { A: "1", B: "two" });
});
check("inspect getters option", () => eq(inspect({ get g() { return 1; } }, { getters: true }), "{ g: [Getter: 1] }"));
await run();
