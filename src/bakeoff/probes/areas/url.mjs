import url, { URL, URLSearchParams, fileURLToPath, pathToFileURL, format, domainToASCII } from "node:url";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("url");
check("WHATWG URL parts", () => {
  const u = new URL("https://user:pw@example.com:8080/p/a?x=1#h");
  deepEq([u.protocol, u.username, u.host, u.port, u.pathname, u.search, u.hash], ["https:", "user", "example.com:8080", "8080", "/p/a", "?x=1", "#h"]);
});
check("relative resolution", () => eq(new URL("../c", "http://a/b/d/e").href, "http://a/b/c"));
check("invalid URL throws ERR_INVALID_URL", () => throws(() => new URL("nope"), (e) => e.code === "ERR_INVALID_URL"));
check("URL.canParse", () => deepEq([URL.canParse("http://x"), URL.canParse("x")], [true, false]));
check("URL.parse returns null on failure", () => eq(URL.parse("::"), null));
check("URLSearchParams append/getAll/sort", () => {
  const p = new URLSearchParams("b=2&a=1");
  p.append("a", "3");
  p.sort();
  eq(p.toString(), "a=1&a=3&b=2");
});
check("URLSearchParams encodes spaces as +", () => eq(new URLSearchParams({ q: "a b" }).toString(), "q=a+b"));
check("fileURLToPath/pathToFileURL", () => {
  eq(fileURLToPath("file:///tmp/a%20b"), "/tmp/a b", "fileURLToPath");
  eq(pathToFileURL("/tmp/a b").href, "file:///tmp/a%20b", "pathToFileURL");
});
check("legacy url.parse", () => {
  const u = url.parse("http://x.com/p?q=1", true);
  deepEq([u.hostname, u.pathname, u.query.q], ["x.com", "/p", "1"]);
});
check("url.format of URL with options", () => eq(format(new URL("http://u:p@x.com/#f"), { auth: false, fragment: false }), "http://x.com/"));
check("domainToASCII punycode", () => eq(domainToASCII("español.com"), "xn--espaol-zwa.com"));
check("IDN host in URL", () => eq(new URL("http://münchen.de").hostname, "xn--mnchen-3ya.de"));
check("port default dropped", () => eq(new URL("https://x.com:443/").port, ""));
check("searchParams live binding", () => {
  const u = new URL("http://x/?a=1");
  u.searchParams.set("a", "2");
  eq(u.href, "http://x/?a=2");
});
check("urlToHttpOptions", () => eq(url.urlToHttpOptions(new URL("http://a:b@x:81/p")).auth, "a:b"));
check("URL.createObjectURL with Blob", () => ok(URL.createObjectURL(new Blob(["x"])).startsWith("blob:"), "bad blob url"));
check("URLPattern global", () => {
  ok(typeof URLPattern === "function", "URLPattern missing");
  ok(new URLPattern({ pathname: "/u/:id" }).test("http://x/u/1"), "no match");
});
await run();
