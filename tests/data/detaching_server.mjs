// A server that does what bakeoff must contain: at start it spawns a *detached* helper
// (`detached: true`, its own session, unref'd) that listens on a port of its own and would
// otherwise outlive everything. Both pids and the helper's port go to $PIDFILE, one line per
// server start: "<server pid> <helper pid> <server port> <helper port>".
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";

const helper = spawn(
  process.execPath,
  [
    "-e",
    "const s = require('node:net').createServer(() => {}).listen(0, '127.0.0.1', () => {" +
      " process.stdout.write(String(s.address().port) + '\\n'); });" +
      " setInterval(() => {}, 1000);",
  ],
  { detached: true, stdio: ["ignore", "pipe", "ignore"] },
);
helper.stdout.once("data", (chunk) => {
  helper.stdout.destroy();
  helper.unref();
  const port = Number(process.env.PORT);
  createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"ok":true}');
  }).listen(port, "127.0.0.1", () => {
    appendFileSync(
      process.env.PIDFILE,
      `${process.pid} ${helper.pid} ${port} ${String(chunk).trim()}\n`,
    );
  });
});
