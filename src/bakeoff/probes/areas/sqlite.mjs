import { DatabaseSync } from "node:sqlite";
import * as sqlite from "node:sqlite";
import { describe, check, run, eq, ok, deepEq, throws } from "../harness.mjs";

describe("sqlite");
const db = new DatabaseSync(":memory:");
check("exec + prepare/run report changes and lastInsertRowid", () => {
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
check("iterate() yields each row", () => { let n = 0; for (const _ of db.prepare("SELECT * FROM t").iterate()) n++; eq(n, 2); });
check("BLOB columns read as Uint8Array", () => { const r = db.prepare("SELECT x'0102' AS b").get(); ok(r.b instanceof Uint8Array && r.b.length === 2, "not Uint8Array"); });
check("setReadBigInts returns integers as BigInt", () => { const s = db.prepare("SELECT 1 AS v"); s.setReadBigInts(true); eq(s.get().v, 1n); });
check("a UNIQUE violation throws ERR_SQLITE_ERROR", () => throws(() => db.exec("INSERT INTO t (id) VALUES (1)"), (e) => e.code === "ERR_SQLITE_ERROR" && /UNIQUE/.test(e.message)));
check("transactions via exec roll back", () => { db.exec("BEGIN"); db.exec("DELETE FROM t"); db.exec("ROLLBACK"); eq(db.prepare("SELECT count(*) AS c FROM t").get().c, 2); });
check("isOpen is false after close", () => { const d = new DatabaseSync(":memory:"); d.close(); eq(d.isOpen, false); });
check("function() user-defined function", () => { db.function("twice", (x) => x * 2); eq(db.prepare("SELECT twice(21) AS v").get().v, 42); });
check("StatementSync.sourceSQL/expandedSQL show the SQL", () => { const s = db.prepare("SELECT ? AS v"); s.get("x"); ok(s.sourceSQL === "SELECT ? AS v" && s.expandedSQL === "SELECT 'x' AS v", `${s.sourceSQL} / ${s.expandedSQL}`); });
check("backup() writes a copy that opens with the data", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const file = `${os.tmpdir()}/bk-backup-${process.pid}.db`;
  try {
    await sqlite.backup(db, file);
    const copy = new DatabaseSync(file);
    const n = copy.prepare("SELECT count(*) AS c FROM t").get().c;
    copy.close();
    eq(n, 2);
  } finally {
    fs.rmSync(file, { force: true });
  }
});
check("applyChangeset replays a changeset into another database", () => {
  const src = new DatabaseSync(":memory:"), dst = new DatabaseSync(":memory:");
  for (const d of [src, dst]) d.exec("CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT)");
  const session = src.createSession();
  src.prepare("INSERT INTO k (v) VALUES (?)").run("replayed");
  const ok2 = dst.applyChangeset(session.changeset(), { onConflict: () => sqlite.constants.SQLITE_CHANGESET_OMIT });
  const v = dst.prepare("SELECT v FROM k").get();
  src.close(); dst.close();
  deepEq([ok2, v && v.v], [true, "replayed"]);
});
check("createSession records a changeset", () => { const s = db.createSession(); db.prepare("INSERT INTO t (name, n) VALUES ('c', 3)").run(); ok(s.changeset().length > 0, "empty changeset"); s.close(); });
check("a SQL error in prepare throws with errcode", () => throws(() => db.prepare("SELEC 1"), (e) => e.code === "ERR_SQLITE_ERROR" && typeof e.errcode === "number"));
check("readOnly database rejects writes", async () => {
  const fs = await import("node:fs");
  const os = await import("node:os");
  const file = `${os.tmpdir()}/bk-ro-${process.pid}.db`;
  const w = new DatabaseSync(file);
  w.exec("CREATE TABLE r (x)");
  w.close();
  const ro = new DatabaseSync(file, { readOnly: true });
  try { throws(() => ro.exec("INSERT INTO r VALUES (1)"), (e) => /readonly/i.test(e.message)); } finally { ro.close(); fs.rmSync(file, { force: true }); }
});
await run();
