import path from "node:path";
import { describe, check, run, eq, deepEq, ok } from "../harness.mjs";

describe("path");
check("join normalizes", () => eq(path.join("/a/b", "../c", "./d"), "/a/c/d"));
check("resolve absolute", () => eq(path.resolve("/a", "b", "../c"), "/a/c"));
check("relative", () => eq(path.relative("/data/a/b", "/data/c"), "../../c"));
check("dirname/basename/extname", () => {
  deepEq([path.dirname("/x/y/z.tar.gz"), path.basename("/x/y/z.tar.gz", ".gz"), path.extname("z.tar.gz")], ["/x/y", "z.tar", ".gz"]);
});
check("extname of dotfile is empty", () => eq(path.extname(".bashrc"), ""));
check("parse", () => deepEq(path.parse("/home/u/f.txt"), { root: "/", dir: "/home/u", base: "f.txt", ext: ".txt", name: "f" }));
check("format", () => eq(path.format({ dir: "/a", name: "b", ext: "c" }), "/a/b.c"));
check("isAbsolute", () => deepEq([path.isAbsolute("/a"), path.isAbsolute("a/b")], [true, false]));
check("normalize trailing slash kept", () => eq(path.normalize("/a//b/../c/"), "/a/c/"));
check("win32.join", () => eq(path.win32.join("C:\\a", "..", "b"), "C:\\b"));
check("win32.parse root", () => eq(path.win32.parse("C:\\x\\y.txt").root, "C:\\"));
check("sep/delimiter", () => deepEq([path.sep, path.delimiter, path.win32.sep], ["/", ":", "\\"]));
check("posix === path on POSIX", () => ok(path.posix.join === path.join || path.posix.sep === "/", "posix mismatch"));
check("matchesGlob", () => {
  ok(typeof path.matchesGlob === "function", "path.matchesGlob missing");
  ok(path.matchesGlob("/a/b/c.js", "/a/**/*.js"), "no match");
});
check("toNamespacedPath is identity on POSIX", () => eq(path.toNamespacedPath("/a/b"), "/a/b"));
check("relative to same path is empty", () => eq(path.relative("/a", "/a"), ""));
await run();
