import path from "node:path";
import { describe, check, run, eq, deepEq, ok } from "../harness.mjs";

describe("path");
check("join normalizes . and .. segments", () => eq(path.join("/a/b", "../c", "./d"), "/a/c/d"));
check("resolve from an absolute base", () => eq(path.resolve("/a", "b", "../c"), "/a/c"));
check("relative walks up and down", () => eq(path.relative("/data/a/b", "/data/c"), "../../c"));
check("dirname/basename/extname split a path", () => {
  deepEq([path.dirname("/x/y/z.tar.gz"), path.basename("/x/y/z.tar.gz", ".gz"), path.extname("z.tar.gz")], ["/x/y", "z.tar", ".gz"]);
});
check("extname of dotfile is empty", () => eq(path.extname(".bashrc"), ""));
check("parse splits a path into parts", () => deepEq(path.parse("/home/u/f.txt"), { root: "/", dir: "/home/u", base: "f.txt", ext: ".txt", name: "f" }));
check("format joins dir, name and ext", () => eq(path.format({ dir: "/a", name: "b", ext: "c" }), "/a/b.c"));
check("isAbsolute tells absolute from relative", () => deepEq([path.isAbsolute("/a"), path.isAbsolute("a/b")], [true, false]));
check("normalize trailing slash kept", () => eq(path.normalize("/a//b/../c/"), "/a/c/"));
check("win32.join handles drive letters", () => eq(path.win32.join("C:\\a", "..", "b"), "C:\\b"));
check("win32.parse finds the drive root", () => eq(path.win32.parse("C:\\x\\y.txt").root, "C:\\"));
check("sep/delimiter are POSIX and win32 values", () => deepEq([path.sep, path.delimiter, path.win32.sep], ["/", ":", "\\"]));
check("posix === path on POSIX", () => ok(path.posix.join === path.join || path.posix.sep === "/", "posix mismatch"));
check("matchesGlob matches a ** pattern", () => {
  ok(typeof path.matchesGlob === "function", "path.matchesGlob missing");
  ok(path.matchesGlob("/a/b/c.js", "/a/**/*.js"), "no match");
});
check("toNamespacedPath is identity on POSIX", () => eq(path.toNamespacedPath("/a/b"), "/a/b"));
check("relative to same path is empty", () => eq(path.relative("/a", "/a"), ""));
await run();
