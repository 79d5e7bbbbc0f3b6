import qs from "node:querystring";
import { describe, check, run, eq, deepEq } from "../harness.mjs";

describe("querystring");
check("parse repeated keys into array", () => deepEq({ ...qs.parse("a=1&a=2&b=3") }, { a: ["1", "2"], b: "3" }));
check("parse result has null prototype", () => eq(Object.getPrototypeOf(qs.parse("a=1")), null));
check("stringify repeats keys for arrays", () => eq(qs.stringify({ a: [1, 2], b: "x y" }), "a=1&a=2&b=x%20y"));
check("custom sep and eq characters", () => deepEq({ ...qs.parse("a:1;b:2", ";", ":") }, { a: "1", b: "2" }));
check("escape/unescape percent-encode reserved characters", () => { eq(qs.escape("a b&"), "a%20b%26"); eq(qs.unescape("%41+"), "A+"); });
check("plus is decoded as a space", () => eq(qs.parse("q=a+b").q, "a b"));
check("maxKeys option limits parsed keys", () => eq(Object.keys(qs.parse("a=1&b=2&c=3", null, null, { maxKeys: 2 })).length, 2));
check("decode/encode are aliases of parse/stringify", () => eq(qs.decode, qs.parse));
check("a malformed percent sequence is kept as is", () => eq(qs.parse("a=%zz").a, "%zz"));
check("stringify skips undefined-to-empty", () => eq(qs.stringify({ a: undefined, b: null }), "a=&b="));
await run();
