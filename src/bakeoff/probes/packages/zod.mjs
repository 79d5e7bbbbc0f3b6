// Smoke test: zod — parse, safeParse errors, transforms, inference-free runtime behaviour.
import { z } from "zod";
import { describe, check, run, eq, ok, deepEq } from "../harness.mjs";

describe("pkg:zod");
const User = z.object({ name: z.string().min(1), age: z.number().int().positive(), email: z.email().optional() });
check("parse valid object", () => deepEq(User.parse({ name: "a", age: 3 }), { name: "a", age: 3 }));
check("safeParse reports issues with paths", () => { const r = User.safeParse({ name: "", age: -1 }); ok(!r.success && r.error.issues.length === 2, "issues"); deepEq(r.error.issues.map((i) => i.path[0]).sort(), ["age", "name"]); });
check("transform and pipe", () => eq(z.string().transform((s) => s.length).parse("abcd"), 4));
check("discriminated union", () => eq(z.discriminatedUnion("t", [z.object({ t: z.literal("a"), a: z.number() }), z.object({ t: z.literal("b") })]).parse({ t: "a", a: 1 }).a, 1));
check("async refine", async () => eq((await z.string().refine(async (s) => s === "ok").safeParseAsync("no")).success, false));
check("coerce", () => eq(z.coerce.number().parse("42"), 42));
await run();
