// How APM agents and transpile-on-require tools hook module loading, checked by the effect of
// the hook (the patched export is what the application gets), not by the hook's existence:
// require-in-the-middle patches Module.prototype.require, older agents Module._load, path
// aliasing Module._resolveFilename, pirates (@babel/register, esbuild-register) module._compile,
// OpenTelemetry's http instrumentation wraps the http export, import-in-the-middle registers
// loader hooks, and newer agents subscribe to the module.require/module.import tracing channels.
import Module, { createRequire } from "node:module";
import * as moduleNs from "node:module";
import dc from "node:diagnostics_channel";
import httpDefault, * as httpNs from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, check, run, eq, ok, deepEq, isFn, stub } from "../harness.mjs";

describe("module_hooks");
const fx = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mod");
const require = createRequire(path.join(fx, "app.js"));
const fresh = (id) => { delete require.cache[require.resolve(id)]; };
check("a Module.prototype.require wrapper patches what require() returns (require-in-the-middle)", () => {
  const orig = Module.prototype.require;
  Module.prototype.require = function (id) {
    const exp = orig.apply(this, arguments);
    return id === "instrumented" ? { ...exp, handle: (x) => `traced(${exp.handle(x)})` } : exp;
  };
  try {
    fresh("instrumented");
    eq(require("instrumented").handle("a"), "traced(handled:a)");
  } finally {
    Module.prototype.require = orig;
  }
});
check("a Module._load wrapper sees requests of built-ins and packages", () => {
  const orig = Module._load;
  const seen = [];
  Module._load = function (request) { seen.push(request); return orig.apply(this, arguments); };
  try {
    fresh("instrumented");
    require("instrumented");
    require("node:zlib");
  } finally {
    Module._load = orig;
  }
  ok(seen.includes("instrumented") && seen.includes("node:zlib"), `seen: ${seen.join(",")}`);
});
check("a Module._resolveFilename wrapper redirects a request (path aliasing)", () => {
  const orig = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) { return orig.call(this, request === "@alias/data" ? "./data.json" : request, ...rest); };
  try {
    eq(require("@alias/data").name, "probe-data");
  } finally {
    Module._resolveFilename = orig;
  }
});
check("a replaced module._compile transforms the source of a required .js file (pirates)", () => {
  const ext = Module._extensions[".js"];
  Module._extensions[".js"] = function (mod, filename) {
    if (filename.endsWith("compile-target.js")) {
      const compile = mod._compile;
      mod._compile = function (code, file) { return compile.call(this, code.replace("TRANSFORM_ME", "transformed"), file); };
    }
    return ext.call(this, mod, filename);
  };
  try {
    fresh("./typecommonjs/compile-target.js");
    eq(require("./typecommonjs/compile-target.js").greeting, "transformed");
  } finally {
    Module._extensions[".js"] = ext;
  }
}, { ref: "https://github.com/oven-sh/bun/pull/42370" });
check("wrapping require('http').get is seen through the ESM default import", () => {
  const http = require("node:http");
  const orig = http.get;
  let calls = 0;
  http.get = function () { calls++; return orig.apply(this, arguments); };
  try {
    const req = httpDefault.get("http://127.0.0.1:1/");
    req.on("error", () => {});
    req.destroy();
    eq(calls, 1, "wrapped get calls through import http");
  } finally {
    http.get = orig;
  }
});
check("syncBuiltinESMExports updates named ESM imports of a patched built-in", () => {
  isFn(Module, "syncBuiltinESMExports");
  const http = require("node:http");
  const orig = http.STATUS_CODES;
  http.STATUS_CODES = { patched: true };
  try {
    Module.syncBuiltinESMExports();
    eq(httpNs.STATUS_CODES.patched, true, "named export after sync");
  } finally {
    http.STATUS_CODES = orig;
    Module.syncBuiltinESMExports();
  }
});
check("process.getBuiltinModule returns the same patched export object", () => {
  const http = require("node:http");
  http.bkMarker = 1;
  try { eq(process.getBuiltinModule("node:http").bkMarker, 1); } finally { delete http.bkMarker; }
});
check("ESM import of a CJS package sees exports patched before the import", async () => {
  fresh("instrumented");
  const exp = require("instrumented");
  exp.patchedBeforeImport = true;
  const ns = await import(pathToFileURL(require.resolve("instrumented")).href);
  eq(ns.default.patchedBeforeImport, true);
});
check("registerHooks load hook rewrites the source of a real file for require()", () => {
  isFn(Module, "registerHooks");
  const target = pathToFileURL(path.join(fx, "typecommonjs", "compile-target.js")).href;
  const h = Module.registerHooks({ load(url, ctx, next) { const r = next(url, ctx); return url === target ? { ...r, source: String(r.source).replace("TRANSFORM_ME", "hooked"), shortCircuit: true } : r; } });
  try {
    fresh("./typecommonjs/compile-target.js");
    eq(require("./typecommonjs/compile-target.js").greeting, "hooked");
  } finally {
    h.deregister();
    fresh("./typecommonjs/compile-target.js");
  }
}, { ref: "https://github.com/oven-sh/bun/issues/27369" });
// import-in-the-middle registers hooks like these to wrap the namespaces of imported modules.
check("module.register load hook rewrites the source of a real file for import", async () => {
  // the named export, as applications import it (a runtime may have it only there)
  const register = moduleNs.register ?? Module.register;
  if (typeof register !== "function") isFn(Module, "register");
  const target = pathToFileURL(path.join(fx, "esm-lib.mjs")).href + "?bk-hooked";
  const hooks = `export async function load(u, c, next) { const r = await next(u, c); return u === ${JSON.stringify(target)} ? { ...r, source: String(r.source).replace('"esm"', '"hooked-esm"'), shortCircuit: true } : r; }`;
  register("data:text/javascript," + encodeURIComponent(hooks));
  const ns = await import(target);
  if (ns.kind === "esm") stub("module.register accepted the load hook but the imported source was not changed");
  eq(ns.kind, "hooked-esm");
}, { ref: "https://github.com/oven-sh/bun/issues/41168 https://docs.deno.com/runtime/reference/node_apis/" });
check("the module.require tracing channel publishes start/end for require()", () => {
  const seen = [];
  const handlers = { start: (m) => seen.push(`start:${m.id}`), end: (m) => seen.push(`end:${m.id}`), asyncStart() {}, asyncEnd() {}, error() {} };
  const tc = dc.tracingChannel("module.require");
  tc.subscribe(handlers);
  try { require("node:os"); } finally { tc.unsubscribe(handlers); }
  deepEq(seen, ["start:node:os", "end:node:os"]);
});
check("the module.import tracing channel publishes start for import()", async () => {
  const seen = [];
  const handlers = { start: (m) => seen.push(String(m.url)), end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
  const tc = dc.tracingChannel("module.import");
  tc.subscribe(handlers);
  try { await import("node:querystring"); } finally { tc.unsubscribe(handlers); }
  ok(seen.includes("node:querystring"), `import start events: ${JSON.stringify(seen)}`);
});
check("a package's version is read from its package.json next to main", () => eq(require("instrumented").version, "2.1.0"));
await run();
