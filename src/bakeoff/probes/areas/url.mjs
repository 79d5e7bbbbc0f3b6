import url, { URL, URLSearchParams, fileURLToPath, pathToFileURL, format, domainToASCII } from "node:url";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("url");
check("WHATWG URL parts", () => {
  const u = new URL("https://user:pw@example.com:8080/p/a?x=1#h");
  deepEq([u.protocol, u.username, u.host, u.port, u.pathname, u.search, u.hash], ["https:", "user", "example.com:8080", "8080", "/p/a", "?x=1", "#h"]);
});
check("relative resolution against a base", () => eq(new URL("../c", "http://a/b/d/e").href, "http://a/b/c"));
check("an invalid URL throws ERR_INVALID_URL", () => throws(() => new URL("nope"), (e) => e.code === "ERR_INVALID_URL"));
check("URL.canParse tells valid from invalid", () => deepEq([URL.canParse("http://x"), URL.canParse("x")], [true, false]));
check("URL.parse returns null on failure", () => eq(URL.parse("::"), null));
check("URLSearchParams append/sort serialise in order", () => {
  const p = new URLSearchParams("b=2&a=1");
  p.append("a", "3");
  p.sort();
  eq(p.toString(), "a=1&a=3&b=2");
});
check("URLSearchParams encodes spaces as +", () => eq(new URLSearchParams({ q: "a b" }).toString(), "q=a+b"));
check("fileURLToPath/pathToFileURL round trip with spaces", () => {
  eq(fileURLToPath("file:///tmp/a%20b"), "/tmp/a b", "fileURLToPath");
  eq(pathToFileURL("/tmp/a b").href, "file:///tmp/a%20b", "pathToFileURL");
});
check("legacy url.parse splits host, path and query", () => {
  const u = url.parse("http://x.com/p?q=1", true);
  deepEq([u.hostname, u.pathname, u.query.q], ["x.com", "/p", "1"]);
});
check("url.format of a URL honours auth/fragment options", () => eq(format(new URL("http://u:p@x.com/#f"), { auth: false, fragment: false }), "http://x.com/"));
check("domainToASCII converts to punycode", () => eq(domainToASCII("español.com"), "xn--espaol-zwa.com"));
check("an IDN host in URL becomes punycode", () => eq(new URL("http://münchen.de").hostname, "xn--mnchen-3ya.de"));
check("a default port is dropped from the URL", () => eq(new URL("https://x.com:443/").port, ""));
check("searchParams changes update href", () => {
  const u = new URL("http://x/?a=1");
  u.searchParams.set("a", "2");
  eq(u.href, "http://x/?a=2");
});
check("urlToHttpOptions keeps the auth part", () => eq(url.urlToHttpOptions(new URL("http://a:b@x:81/p")).auth, "a:b"));
check("URL.createObjectURL gives a blob: URL", () => ok(URL.createObjectURL(new Blob(["x"])).startsWith("blob:"), "bad blob url"));
check("URLPattern global matches a path pattern", () => {
  ok(typeof URLPattern === "function", "URLPattern missing");
  ok(new URLPattern({ pathname: "/u/:id" }).test("http://x/u/1"), "no match");
});
// Legacy url.parse is still used by many HTTP clients and proxies; Node hardened it against host
// confusion. These inputs are the ones whose hostname decides where a request goes.
check("url.parse rejects a non-numeric port with ERR_INVALID_ARG_VALUE", () => throws(() => url.parse("http://example.com:abc/"), (e) => e.code === "ERR_INVALID_ARG_VALUE"));
check("url.parse rejects an unterminated IPv6 host", () => throws(() => url.parse("http://[::1/"), (e) => e.code === "ERR_INVALID_ARG_VALUE" || e.code === "ERR_INVALID_URL"));
check("url.parse cuts the host at a space and keeps the rest as path", () => deepEq([url.parse("http://exa mple.com/").hostname, url.parse("http://exa mple.com/").pathname], ["exa", "%20mple.com/"]));
check("url.parse drops a tab inside the host", () => eq(url.parse("http://a\tb.com/").hostname, "ab.com"));
check("url.parse treats a backslash as the end of the host", () => eq(url.parse("http://a.com\\@b.com/").hostname, "a.com"));
check("url.parse punycodes an IDN host", () => eq(url.parse("http://münchen.de/").hostname, "xn--mnchen-3ya.de"));
check("new URL rejects a host with a space", () => throws(() => new URL("http://exa mple.com/"), (e) => e instanceof TypeError));
check("new URL rejects port 99999", () => throws(() => new URL("http://example.com:99999/"), (e) => e instanceof TypeError));
check("new URL rejects a forbidden host code point", () => throws(() => new URL("http://ex<ample.com/"), (e) => e instanceof TypeError));
check("URL.parse returns null for an invalid host", () => eq(URL.parse("http://exa mple.com/"), null));
await run();
