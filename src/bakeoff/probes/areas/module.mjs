import { createRequire, builtinModules, isBuiltin } from "node:module";
import Module from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("module");
const fx = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mod");
const require = createRequire(path.join(fx, "x.mjs"));
check("createRequire loads CJS", () => eq(require("./cjs-lib.cjs").kind, "cjs"));
check("__dirname/__filename in CJS", () => { const m = require("./cjs-lib.cjs"); deepEq([m.dirname, path.basename(m.filename)], [fx, "cjs-lib.cjs"]); });
check("require.main !== module for a required file", () => eq(require("./cjs-lib.cjs").isMain, false));
check("require of JSON", () => eq(require("./data.json").name, "probe-data"));
check("require.resolve relative", () => eq(require.resolve("./cjs-lib.cjs"), path.join(fx, "cjs-lib.cjs")));
check("require.resolve builtin returns name", () => eq(require.resolve("node:fs"), "node:fs"));
check("require.resolve with paths option", () => eq(require.resolve("./data.json", { paths: [fx] }), path.join(fx, "data.json")));
check("require.resolve MODULE_NOT_FOUND", () => throws(() => require.resolve("./nope"), (e) => e.code === "MODULE_NOT_FOUND"));
check("exports condition 'require' chosen by require", () => eq(require("fakepkg").via, "require"));
check("exports condition 'import' chosen by import", async () => eq((await import(path.join(fx, "node_modules/fakepkg/esm.mjs"))).via, "import"));
check("bare import resolves via exports map", async () => {
  const { via } = await import(pathToHref(path.join(fx, "loader.mjs")));
  eq(via, "import");
});
check("exports subpath", () => eq(require("fakepkg/sub").sub, true));
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
check("builtinModules lists fs and sqlite-less names", () => ok(builtinModules.includes("fs") && builtinModules.includes("worker_threads"), "missing entries"));
check("isBuiltin", () => deepEq([isBuiltin("node:fs"), isBuiltin("fs/promises"), isBuiltin("left-pad")], [true, true, false]));
check("Module._extensions has .js/.json/.node", () => ok(Module._extensions && [".js", ".json", ".node"].every((k) => k in Module._extensions), "missing _extensions"));
check("Module._resolveFilename", () => eq(Module._resolveFilename("./data.json", { id: ".", filename: path.join(fx, "x.js"), paths: [] }), path.join(fx, "data.json")));
check("Module.wrap", () => ok(Module.wrap("x").startsWith("(function (exports, require, module, __filename, __dirname)"), "unexpected wrapper"));
check("module.register exists", () => ok(typeof Module.register === "function", "module.register missing"));
check("module.registerHooks exists", () => ok(typeof Module.registerHooks === "function", "module.registerHooks missing"));
check("findPackageJSON", () => {
  ok(typeof Module.findPackageJSON === "function", "module.findPackageJSON missing");
  eq(Module.findPackageJSON("fakepkg", path.join(fx, "x.js")), path.join(fx, "node_modules/fakepkg/package.json"));
});
check("enableCompileCache exists", () => ok(typeof Module.enableCompileCache === "function", "missing"));
check("stripTypeScriptTypes", () => {
  ok(typeof Module.stripTypeScriptTypes === "function", "module.stripTypeScriptTypes missing");
  eq(Module.stripTypeScriptTypes("const a: number = 1;").replace(/\s+/g, " ").trim(), "const a = 1;");
});
check("SourceMap class", () => ok(typeof Module.SourceMap === "function", "module.SourceMap missing"));
check("import.meta.resolve", () => eq(import.meta.resolve("./x.mjs"), new URL("./x.mjs", import.meta.url).href));
check("dynamic import of builtin", async () => eq(typeof (await import("node:os")).cpus, "function"));
function pathToHref(p) { return "file://" + p; }
await run();
