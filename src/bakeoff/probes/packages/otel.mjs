// Smoke test: OpenTelemetry — API + SDK + http and express instrumentation, loaded the CommonJS
// way (require-in-the-middle patches Module.prototype.require). The question teams ask: does an
// incoming request to a node:http server produce a SERVER span (and the outgoing one a CLIENT
// span), and does an express route produce its request-handler span (the patch really applied)?
import { createRequire } from "node:module";
import { describe, check, run, eq, ok } from "../harness.mjs";
import { trace, context, SpanKind } from "@opentelemetry/api";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { ExpressInstrumentation } from "@opentelemetry/instrumentation-express";

describe("pkg:otel");
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });
// Instrumentation patches CommonJS require('http'): load it after registering, like an agent does.
const require = createRequire(import.meta.url);
const http = require("http");
const srv = http.createServer((_q, res) => res.end("traced"));
await new Promise((r) => srv.listen(0, "127.0.0.1", r));
const port = srv.address().port;
const get = () => new Promise((res, rej) => http.get(`http://127.0.0.1:${port}/x`, (r) => { r.resume(); r.on("end", res); }).on("error", rej));
check("manual span recorded by the SDK", async () => {
  trace.getTracer("probe").startActiveSpan("manual", (s) => s.end());
  ok(exporter.getFinishedSpans().some((s) => s.name === "manual"), "no manual span");
});
check("context propagates across await (AsyncLocalStorage context manager)", async () => {
  const tracer = trace.getTracer("probe");
  const id = await tracer.startActiveSpan("outer", async (s) => { await new Promise((r) => setTimeout(r, 1)); const inner = trace.getSpan(context.active()); s.end(); return inner && inner.spanContext().spanId === s.spanContext().spanId; });
  eq(id, true, "active span after await");
});
check("incoming request produces a SERVER span", async () => {
  exporter.reset();
  await get();
  await new Promise((r) => setTimeout(r, 50));
  const kinds = exporter.getFinishedSpans().map((s) => s.kind);
  ok(kinds.includes(SpanKind.SERVER), `spans: ${exporter.getFinishedSpans().map((s) => `${s.name}/${s.kind}`).join(", ") || "none"}`);
});
check("outgoing request produces a CLIENT span", async () => {
  exporter.reset();
  await get();
  await new Promise((r) => setTimeout(r, 50));
  ok(exporter.getFinishedSpans().some((s) => s.kind === SpanKind.CLIENT), "no CLIENT span");
});
check("SERVER span is a child of the CLIENT span (traceparent propagated)", async () => {
  exporter.reset();
  await get();
  await new Promise((r) => setTimeout(r, 50));
  const spans = exporter.getFinishedSpans();
  const client = spans.find((s) => s.kind === SpanKind.CLIENT), server = spans.find((s) => s.kind === SpanKind.SERVER);
  ok(client && server, "missing client or server span");
  eq(server.spanContext().traceId, client.spanContext().traceId, "trace id");
});
check("http.route/status attributes on SERVER span", async () => {
  exporter.reset();
  await get();
  await new Promise((r) => setTimeout(r, 50));
  const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
  ok(server && (server.attributes["http.response.status_code"] === 200 || server.attributes["http.status_code"] === 200), "no status attribute");
});
// express is required after registering, so require-in-the-middle can patch it.
const express = require("express");
const app = express();
app.get("/users/:id", (req, res) => res.json({ id: req.params.id }));
const appSrv = app.listen(0, "127.0.0.1");
await new Promise((r) => appSrv.once("listening", r));
const getApp = (path) => new Promise((res, rej) => http.get(`http://127.0.0.1:${appSrv.address().port}${path}`, (r) => { r.resume(); r.on("end", res); }).on("error", rej));
check("require('express') is patched: express[Symbol] / Router wrapped by the instrumentation", () => {
  const routerProto = express.Router && (express.Router.prototype || express.Router);
  const wrapped = ["route", "use", "handle"].filter((m) => routerProto && routerProto[m] && routerProto[m].__wrapped);
  const appWrapped = ["use", "route"].filter((m) => express.application && express.application[m] && express.application[m].__wrapped);
  ok(wrapped.length + appWrapped.length > 0, "no express function was wrapped: the require hook never applied the patch");
});
check("an express route produces a request-handler span with http.route", async () => {
  exporter.reset();
  await getApp("/users/42");
  await new Promise((r) => setTimeout(r, 50));
  const spans = exporter.getFinishedSpans();
  const handler = spans.find((s) => s.attributes["express.type"] === "request_handler");
  ok(handler, `spans: ${spans.map((s) => s.name).join(", ") || "none"}`);
  eq(handler.attributes["http.route"], "/users/:id", "http.route");
});
check("the SERVER span of an express request is named after the route", async () => {
  exporter.reset();
  await getApp("/users/7");
  await new Promise((r) => setTimeout(r, 50));
  const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
  ok(server, "no SERVER span");
  ok(server.attributes["http.route"] === "/users/:id" || server.name.includes("/users/:id"), `SERVER span ${server.name} ${JSON.stringify(server.attributes["http.route"])}`);
});
await run();
srv.close();
appSrv.close();
