// A server with a known stall pattern: it answers at once, except that every second it blocks
// its event loop for STALL_MS (default 100 ms). At a fixed rate, about STALL_MS/1000 of the
// requests arrive during a stall and wait for it to end; the true p99 is a large share of
// STALL_MS. Closed-loop tools that stop sending during the stall hide it.
import { createServer } from "node:http";

const stall = Number(process.env.STALL_MS || 100);
setInterval(() => {
  const end = Date.now() + stall;
  while (Date.now() < end) {}
}, 1000);
createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
  res.end("ok");
}).listen(Number(process.env.PORT), "127.0.0.1");
