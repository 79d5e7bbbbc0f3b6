import os from "node:os";
import { describe, check, run, eq, ok, type } from "../harness.mjs";

describe("os");
check("platform/type report Linux", () => {
  eq(os.platform(), process.platform, "platform");
  eq(os.type(), "Linux", "type");
});
check("EOL is a newline on POSIX", () => eq(os.EOL, "\n"));
check("cpus() has model and times", () => {
  const c = os.cpus();
  ok(c.length > 0 && typeof c[0].model === "string" && typeof c[0].times.user === "number", "bad cpus()");
});
check("availableParallelism is at least 1", () => ok(os.availableParallelism() >= 1, "< 1"));
check("totalmem > freemem > 0", () => ok(os.totalmem() > os.freemem() && os.freemem() > 0, "bad memory"));
check("homedir/tmpdir are absolute paths", () => ok(os.homedir().startsWith("/") && os.tmpdir().startsWith("/"), "not absolute"));
check("hostname returns a string", () => type(os.hostname(), "string"));
check("loadavg has 3 numbers", () => eq(os.loadavg().length, 3));
check("uptime > 0", () => ok(os.uptime() > 0, "uptime"));
check("networkInterfaces has lo", () => {
  const lo = os.networkInterfaces().lo;
  ok(lo && lo.some((a) => a.address === "127.0.0.1" && a.family === "IPv4" && a.internal), "no IPv4 loopback");
});
check("userInfo gives username and uid", () => {
  const u = os.userInfo();
  ok(typeof u.username === "string" && typeof u.uid === "number", "bad userInfo");
});
check("constants.signals.SIGTERM is 15", () => eq(os.constants.signals.SIGTERM, 15));
check("constants.errno.ENOENT is 2", () => eq(os.constants.errno.ENOENT, 2));
check("endianness is LE on x64", () => eq(os.endianness(), "LE"));
check("arch/machine agree with process.arch", () => {
  eq(os.arch(), process.arch, "arch");
  type(os.machine(), "string");
});
check("getPriority returns a number", () => type(os.getPriority(), "number"));
check("release/version return strings", () => ok(typeof os.release() === "string" && typeof os.version() === "string", "bad"));
check("devNull is /dev/null", () => eq(os.devNull, "/dev/null"));
await run();
