import { createRequire, builtinModules, isBuiltin } from "node:module";
import Module from "node:module";
import * as moduleNs from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, check, run, eq, ok, deepEq, throws, isFn, stub } from "../harness.mjs";

describe("module");
const fx = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mod");
const require = createRequire(path.join(fx, "x.mjs"));
check("createRequire loads a CJS file", () => eq(require("./cjs-lib.cjs").kind, "cjs"));
check("__dirname/__filename in CJS", () => { const m = require("./cjs-lib.cjs"); deepEq([m.dirname, path.basename(m.filename)], [fx, "cjs-lib.cjs"]); });
check("require.main !== module for a required file", () => eq(require("./cjs-lib.cjs").isMain, false));
check("require of JSON parses the file", () => eq(require("./data.json").name, "probe-data"));
check("require.resolve of a relative path gives the absolute file", () => eq(require.resolve("./cjs-lib.cjs"), path.join(fx, "cjs-lib.cjs")));
check("require.resolve builtin returns name", () => eq(require.resolve("node:fs"), "node:fs"));
check("require.resolve with paths option", () => eq(require.resolve("./data.json", { paths: [fx] }), path.join(fx, "data.json")));
check("require.resolve of a missing file throws MODULE_NOT_FOUND", () => throws(() => require.resolve("./nope"), (e) => e.code === "MODULE_NOT_FOUND"));
check("exports condition 'require' chosen by require", () => eq(require("fakepkg").via, "require"));
check("exports condition 'import' chosen by import", async () => eq((await import(path.join(fx, "node_modules/fakepkg/esm.mjs"))).via, "import"));
check("bare import resolves via exports map", async () => {
  const { via } = await import(pathToHref(path.join(fx, "loader.mjs")));
  eq(via, "import");
});
check("exports subpath resolves for require", () => eq(require("fakepkg/sub").sub, true));
check("unexported subpath throws ERR_PACKAGE_PATH_NOT_EXPORTED", () => throws(() => require("fakepkg/cjs.cjs"), (e) => e.code === "ERR_PACKAGE_PATH_NOT_EXPORTED"));
check("require(esm) returns namespace", () => {
  const m = require("./esm-lib.mjs");
  deepEq([m.kind, m.default], ["esm", "default-export"]);
});
check("require(esm) from a .cjs file", () => deepEq(require("./cjs-requires-esm.cjs").kind, "esm"));
check("require.cache holds loaded module", () => ok(require.cache[path.join(fx, "cjs-lib.cjs")], "not cached"));
check("delete require.cache re-evaluates", () => {
  const p = path.join(fx, "cjs-lib.cjs");
  const a = require(p);
  delete require.cache[p];
  ok(require(p) !== a, "same object after cache delete");
});
check("builtinModules lists fs and worker_threads", () => ok(builtinModules.includes("fs") && builtinModules.includes("worker_threads"), "missing entries"));
check("isBuiltin tells built-ins from packages", () => deepEq([isBuiltin("node:fs"), isBuiltin("fs/promises"), isBuiltin("left-pad")], [true, true, false]));
// Transpile-on-require tools (@babel/register, ts-node, pirates) add handlers here.
check("a Module._extensions handler for a new extension is used by require", () => {
  Module._extensions[".bkx"] = (mod, filename) => { mod.exports = `handled:${path.basename(filename)}`; };
  try {
    eq(require("./custom.bkx"), "handled:custom.bkx");
  } finally {
    delete Module._extensions[".bkx"];
  }
});
check("Module._resolveFilename resolves a relative request", () => eq(Module._resolveFilename("./data.json", { id: ".", filename: path.join(fx, "x.js"), paths: [] }), path.join(fx, "data.json")));
check("Module.wrap gives the CommonJS wrapper", () => ok(Module.wrap("x").startsWith("(function (exports, require, module, __filename, __dirname)"), "unexpected wrapper"));
// Loader hooks registered with module.register run off-thread; a resolve+load pair that
// serves a virtual specifier proves they ran (a stub accepts the call and changes nothing).
check("module.register resolve/load hooks serve an import", async () => {
  // the named export, as applications import it (a runtime may have it only there)
  const register = moduleNs.register ?? Module.register;
  if (typeof register !== "function") isFn(Module, "register");
  const hooks = `export async function resolve(s, c, next) { return s === "bk-registered:virtual" ? { url: s, shortCircuit: true } : next(s, c); }
export async function load(u, c, next) { return u === "bk-registered:virtual" ? { format: "module", source: "export default 'from-register-hook'", shortCircuit: true } : next(u, c); }`;
  register("data:text/javascript," + encodeURIComponent(hooks));
  let m;
  try { m = await import("bk-registered:virtual"); } catch (e) { stub(`module.register accepted the hooks but they never ran (import failed: ${String(e.message).split("\n")[0].slice(0, 100)})`); }
  eq(m.default, "from-register-hook");
}, { ref: "https://github.com/oven-sh/bun/issues/41168 https://docs.deno.com/runtime/reference/node_apis/" });
check("module.registerHooks sync hooks serve a virtual require()", async () => {
  isFn(Module, "registerHooks");
  const h = Module.registerHooks({
    resolve(spec, ctx, next) { return spec === "bk-sync-hooked" ? { url: "file:///bk-sync-hooked.cjs", format: "commonjs", shortCircuit: true } : next(spec, ctx); },
    load(url, ctx, next) { return url === "file:///bk-sync-hooked.cjs" ? { format: "commonjs", source: "module.exports = 'from-sync-hook'", shortCircuit: true } : next(url, ctx); },
  });
  try {
    eq(require("bk-sync-hooked"), "from-sync-hook", "require");
  } finally {
    h.deregister();
  }
}, { ref: "https://github.com/oven-sh/bun/issues/27369" });
check("findPackageJSON finds a dependency's package.json", () => {
  isFn(Module, "findPackageJSON");
  eq(Module.findPackageJSON("fakepkg", path.join(fx, "x.js")), path.join(fx, "node_modules/fakepkg/package.json"));
});
check("enableCompileCache + flushCompileCache write a code cache", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  isFn(Module, "enableCompileCache");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bk-cc-"));
  try {
    const r = Module.enableCompileCache(dir);
    fs.writeFileSync(path.join(dir, "m.mjs"), "export const cached = 1;\n");
    await import(pathToHref(path.join(dir, "m.mjs")));
    isFn(Module, "flushCompileCache");
    Module.flushCompileCache();
    const files = fs.readdirSync(dir, { recursive: true }).filter((f) => f !== "m.mjs");
    ok(r && r.status === Module.constants.compileCacheStatus.ENABLED, `status ${r && r.status}`);
    ok(files.length > 0, "no cache files written");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
check("stripTypeScriptTypes removes type annotations", () => {
  isFn(Module, "stripTypeScriptTypes");
  eq(Module.stripTypeScriptTypes("const a: number = 1;").replace(/\s+/g, " ").trim(), "const a = 1;");
});
check("SourceMap.findEntry maps a generated position back", () => {
  isFn(Module, "SourceMap");
  const sm = new Module.SourceMap({ version: 3, file: "min.js", sources: ["orig.js"], names: [], mappings: "AAAA,IAAI" });
  const e = sm.findEntry(0, 4);
  deepEq([e.originalSource, e.originalLine, e.originalColumn], ["orig.js", 0, 4]);
});
check("import.meta.resolve resolves a relative specifier", () => eq(import.meta.resolve("./x.mjs"), new URL("./x.mjs", import.meta.url).href));
check("dynamic import of a builtin gives its namespace", async () => eq(typeof (await import("node:os")).cpus, "function"));
check("an entry planted in require.cache is returned by require", () => {
  const p = path.join(fx, "entry-check.cjs"); // a real file, never required before: the cache answers
  require.cache[p] = { id: p, filename: p, loaded: true, exports: { planted: true } };
  try { eq(require(p).planted, true); } finally { delete require.cache[p]; }
});
check("require of the root package.json of the fixture project", () => eq(require("./package.json").dependencies.fakepkg, "1.0.0"));
check("package.json main is used when exports has no require condition match", () => eq(require("fakepkg/package.json").main, "./cjs.cjs"));
function pathToHref(p) { return "file://" + p; }
await run();
