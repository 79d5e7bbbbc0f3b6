// Smoke test: OpenTelemetry instrumentation of ES-module imports. Agents register
// import-in-the-middle's loader hooks with module.register (what `node --import
// @opentelemetry/instrumentation/hook.mjs` does), then wrap modules as they are imported. Without
// working loader hooks an `import` of http or express is never patched: no spans, silently.
import { register } from "node:module";
import { describe, check, run, eq, ok } from "../harness.mjs";
import { SpanKind } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";

describe("pkg:otel_esm");
let registered = "";
try { register("@opentelemetry/instrumentation/hook.mjs", import.meta.url); } catch (e) { registered = String(e && e.message).slice(0, 120); }
const exporter = new InMemorySpanExporter();
new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
// Imported (not required) after the hooks are registered, as an ESM application does.
const { default: express } = await import("express");
const http = await import("node:http");
const app = express();
app.get("/orders/:id", (req, res) => res.json({ id: req.params.id }));
const srv = app.listen(0, "127.0.0.1");
await new Promise((r) => srv.once("listening", r));
const get = (path) => new Promise((res, rej) => http.get(`http://127.0.0.1:${srv.address().port}${path}`, (r) => { r.resume(); r.on("end", res); }).on("error", rej));
const spansOf = async (path) => { exporter.reset(); await get(path); await new Promise((r) => setTimeout(r, 50)); return exporter.getFinishedSpans(); };
check("module.register accepts import-in-the-middle's hook", () => eq(registered, "", "register() threw"));
check("an imported node:http server produces a SERVER span", async () => {
  const spans = await spansOf("/orders/1");
  ok(spans.some((s) => s.kind === SpanKind.SERVER), `spans: ${spans.map((s) => `${s.name}/${s.kind}`).join(", ") || "none"}`);
});
check("an imported express app produces a request-handler span", async () => {
  const spans = await spansOf("/orders/2");
  const handler = spans.find((s) => s.attributes["express.type"] === "request_handler");
  ok(handler, `spans: ${spans.map((s) => s.name).join(", ") || "none"}: the import was not patched`);
  eq(handler.attributes["http.route"], "/orders/:id", "http.route");
});
await run();
srv.close();
