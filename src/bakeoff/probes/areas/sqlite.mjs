import { DatabaseSync } from "node:sqlite";
import * as sqlite from "node:sqlite";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("sqlite");
const db = new DatabaseSync(":memory:");
check("exec + prepare/run/get", () => {
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n REAL)");
  const r = db.prepare("INSERT INTO t (name, n) VALUES (?, ?)").run("a", 1.5);
  deepEq([r.changes, r.lastInsertRowid], [1, 1]);
});
check("get returns a null-prototype row", () => {
  const row = db.prepare("SELECT name, n FROM t WHERE id = ?").get(1);
  deepEq({ ...row }, { name: "a", n: 1.5 });
});
check("all with named parameters", () => {
  db.prepare("INSERT INTO t (name, n) VALUES ($name, $n)").run({ $name: "b", $n: 2 });
  eq(db.prepare("SELECT * FROM t ORDER BY id").all().length, 2);
});
check("iterate()", () => { let n = 0; for (const _ of db.prepare("SELECT * FROM t").iterate()) n++; eq(n, 2); });
check("BLOB as Uint8Array", () => { const r = db.prepare("SELECT x'0102' AS b").get(); ok(r.b instanceof Uint8Array && r.b.length === 2, "not Uint8Array"); });
check("setReadBigInts", () => { const s = db.prepare("SELECT 1 AS v"); s.setReadBigInts(true); eq(s.get().v, 1n); });
check("constraint error code", () => throws(() => db.exec("INSERT INTO t (id) VALUES (1)"), (e) => e.code === "ERR_SQLITE_ERROR" && /UNIQUE/.test(e.message)));
check("transactions via exec", () => { db.exec("BEGIN"); db.exec("DELETE FROM t"); db.exec("ROLLBACK"); eq(db.prepare("SELECT count(*) AS c FROM t").get().c, 2); });
check("isOpen/close", () => { const d = new DatabaseSync(":memory:"); d.close(); eq(d.isOpen, false); });
check("function() user-defined function", () => { db.function("twice", (x) => x * 2); eq(db.prepare("SELECT twice(21) AS v").get().v, 42); });
check("StatementSync.sourceSQL/expandedSQL", () => { const s = db.prepare("SELECT ? AS v"); s.get("x"); ok(s.sourceSQL === "SELECT ? AS v" && s.expandedSQL === "SELECT 'x' AS v", `${s.sourceSQL} / ${s.expandedSQL}`); });
check("backup() exported", () => ok(typeof sqlite.backup === "function", "sqlite.backup missing"));
check("constants.SQLITE_CHANGESET_OMIT", () => ok(sqlite.constants && sqlite.constants.SQLITE_CHANGESET_OMIT !== undefined, "constants missing"));
check("createSession/changeset", () => { const s = db.createSession(); db.prepare("INSERT INTO t (name, n) VALUES ('c', 3)").run(); ok(s.changeset().length > 0, "empty changeset"); s.close(); });
await run();
