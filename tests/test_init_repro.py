"""Minimal reproductions, written here, of what `bakeoff init` got wrong on real projects
(benchmarks/realworld.py on the corpus): each test builds a tiny project in a temporary folder
and checks what detection finds and what init writes. No runtime is started here (see
test_init_trial.py for the tries)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from bakeoff import config
from bakeoff.project import envvars, jsparse
from bakeoff.project.detect import detect, package_manager_spec
from bakeoff.project.initfile import render
from bakeoff.project.launch import parse
from bakeoff.project.routes import RouteMap
from docjson import raw


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        f = root / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
    return root


def pkg(**fields: object) -> str:
    return json.dumps({"name": "repro", "version": "1.0.0", **fields})


def routes_of(root: Path) -> set[tuple[str, str]]:
    files = {p: p.read_text() for p in root.rglob("*.[jt]s") if "node_modules" not in p.parts}
    return {(r.method, r.path) for r in RouteMap(root, files, jsparse.tsconfig(root)).routes()}


# -- router mounts --------------------------------------------------------------------------
def test_express_router_mounted_with_a_prefix(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/server.js": (
                "const express = require('express');\n"
                "const { healthRouter } = require('./health');\n"
                "const users = require('./users');\n"
                "const app = express();\n"
                "app.use(express.json());\n"
                "app.use('/health-check', healthRouter);\n"
                "app.use('/api/users', auth, users);\n"
                "app.listen(process.env.PORT);\n"
            ),
            "src/health.js": (
                "const express = require('express');\n"
                "const healthRouter = express.Router();\n"
                "healthRouter.get('/', (req, res) => res.send('ok'));\n"
                "module.exports = { healthRouter };\n"
            ),
            "src/users.js": (
                "const router = require('express').Router();\n"
                "router.get('/', list);\n"
                "router.get('/:id', one);\n"
                "module.exports = router;\n"
            ),
        },
    )
    assert routes_of(tmp_path) == {
        ("GET", "/health-check"),
        ("GET", "/api/users"),
        ("GET", "/api/users/:id"),
    }


def test_fastify_register_prefix_from_a_constant_and_a_reexport(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/app.ts": (
                "import Fastify from 'fastify';\n"
                "import { bookRoute, homeRoute } from './routes';\n"
                "export function createApp() {\n"
                "  const app = Fastify();\n"
                "  const PREFIX = 'api';\n"
                "  app.register(homeRoute);\n"
                "  app.register(bookRoute, { prefix: PREFIX });\n"
                "  return app;\n"
                "}\n"
            ),
            "src/routes/index.ts": "export * from './home';\nexport * from './book';\n",
            "src/routes/home.ts": (
                "export const homeRoute = async (app) => {\n  app.get('/', h);\n};\n"
            ),
            "src/routes/book.ts": (
                "export const bookRoute = async (app) => {\n"
                "  app.get('/books', list);\n"
                "  app.get('/books/:id', one);\n"
                "};\n"
            ),
        },
    )
    assert routes_of(tmp_path) == {("GET", "/"), ("GET", "/api/books"), ("GET", "/api/books/:id")}


def test_koa_router_prefix_and_nested_use(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app.js": (
                "const Router = require('@koa/router');\n"
                "const api = require('./api');\n"
                "const root = new Router();\n"
                "root.use('/v1', api.routes());\n"
                "app.use(root.routes());\n"
            ),
            "api.js": (
                "const Router = require('@koa/router');\n"
                "const api = new Router({ prefix: '/api' });\n"
                "api.get('/items', list);\n"
                "module.exports = api;\n"
            ),
        },
    )
    assert routes_of(tmp_path) == {("GET", "/v1/api/items")}


def test_hono_route_and_base_path(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/index.ts": (
                "import { Hono } from 'hono';\n"
                "import { users } from './users';\n"
                "const app = new Hono().basePath('/v2');\n"
                "app.get('/healthz', (c) => c.text('ok'));\n"
                "app.route('/users', users);\n"
            ),
            "src/users.ts": (
                "import { Hono } from 'hono';\n"
                "export const users = new Hono();\n"
                "users.get('/', (c) => c.json([]));\n"
            ),
        },
    )
    assert routes_of(tmp_path) == {("GET", "/v2/healthz"), ("GET", "/v2/users")}


def test_nest_controller_prefix_and_global_prefix(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "src/main.ts": (
                "const app = await NestFactory.create(M);\napp.setGlobalPrefix('api');\n"
            ),
            "src/cats.controller.ts": (
                "@Controller('cats')\n"
                "export class CatsController {\n"
                "  @Get()\n  findAll() {}\n"
                "  @Get(':id')\n  findOne() {}\n"
                "}\n"
                "@Controller()\nexport class AppController {\n  @Get('health')\n  h() {}\n}\n"
            ),
        },
    )
    assert routes_of(tmp_path) == {
        ("GET", "/api/cats"),
        ("GET", "/api/cats/:id"),
        ("GET", "/api/health"),
    }


def test_routes_in_comments_and_http_clients_are_not_routes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "index.js": (
                "// app.get('/commented', h)\n"
                "/* router.post('/also-commented') */\n"
                "const url = 'http://example.com/not-a-comment';\n"
                "axios.get('/api/remote');\n"
                "app.get('/real', h);\n"
            )
        },
    )
    assert routes_of(tmp_path) == {("GET", "/real")}


# -- the project's own scripts --------------------------------------------------------------
def test_start_script_keeps_its_required_argument_and_drops_watch(tmp_path: Path) -> None:
    scripts = {
        "dev": "node --watch --experimental-strip-types src/bin.ts fixtures/db.json",
        "start": "NODE_ENV=production node bin/serve.js data.json --port 3000",
    }
    dev = parse(scripts, "dev", tmp_path)
    assert dev and dev.entry == "src/bin.ts" and dev.args == ["fixtures/db.json"]
    assert dev.node_flags == ["--experimental-strip-types"]
    assert any("--watch" in n for n in dev.notes)
    start = parse(scripts, "start", tmp_path)
    assert start and start.args == ["data.json", "--port", "3000"]
    assert start.env == {"NODE_ENV": "production"}


def test_build_before_start_and_nested_script_calls(tmp_path: Path) -> None:
    scripts = {
        "build": "rimraf dist && tsc",
        "start": "pnpm run build && node dist",
        "serve": "npm run start",
        "dev": "tsx watch --clear-screen=false src/index.ts | pino-pretty",
        "nest": "nest start",
    }
    start = parse(scripts, "serve", tmp_path)
    assert start and start.entry == "dist" and start.build == ["build"]
    dev = parse(scripts, "dev", tmp_path)
    assert dev and dev.entry == "src/index.ts" and dev.node_flags == ["--import", "tsx"]
    nest = parse(scripts, "nest", tmp_path)
    assert nest and nest.entry == "dist/main.js" and nest.build == ["build"]


def test_build_output_entry_needs_the_build_and_maps_to_its_source(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": pkg(
                main="dist/index.js",
                scripts={
                    "build": "tsc",
                    "start:prod": "node dist/index.js",
                    "start:dev": "tsx src/index.ts",
                },
                dependencies={"express": "^4"},
            ),
            "tsconfig.json": '{ "compilerOptions": { "outDir": "dist", "rootDir": "src", }, }',
            "src/index.ts": "import { app } from './app';\napp.listen(process.env.PORT);\n",
            "src/app.ts": "export const app = express();\napp.get('/healthz', h);\n",
        },
    )
    p = detect(tmp_path)
    svc = p.service
    assert svc is not None and svc.entry.value == "dist/index.js"
    assert svc.source == "src/index.ts" and svc.build == ["build"]
    assert svc.listens == "src/index.ts" and svc.readiness and svc.readiness.value == "/healthz"
    text = render(p)
    cfg = config.validate(tomllib.loads(text))
    assert cfg.serve is not None and cfg.serve.build == ["build"]


def test_tsconfig_path_aliases_resolve_and_the_built_start_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": pkg(
                scripts={
                    "build": "tsup",
                    "start:dev": "tsx watch src/index.ts",
                    "start:prod": "node dist/index.js",
                },
                dependencies={"express": "^4"},
            ),
            "tsconfig.json": '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}',
            "src/index.ts": "import { app } from '@/server';\napp.listen(3000);\n",
            "src/server.ts": "export const app = express();\n",
        },
    )
    ts = jsparse.tsconfig(tmp_path)
    assert jsparse.resolve("@/server", tmp_path / "src/index.ts", tmp_path, ts) == (
        tmp_path / "src/server.ts"
    )
    svc = detect(tmp_path).service
    assert svc is not None and svc.launch is not None
    assert svc.launch.script == "start:prod" and svc.entry.value == "dist/index.js"


def test_a_library_whose_main_never_listens_gets_no_serve(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": pkg(scripts={"test": "mocha"}, dependencies={"debug": "*"}),
            "index.js": "module.exports = require('./lib/app');\n",
            "lib/app.js": (
                "/**\n * Example:\n *    http.createServer(app).listen(80);\n */\n"
                "app.listen = function listen() {\n"
                "  const server = http.createServer(this);\n"
                "  return server.listen.apply(server, arguments);\n"
                "};\n"
            ),
            "examples/hello.js": "require('../').listen(3000);\n",
        },
    )
    p = detect(tmp_path)
    assert p.service is None
    assert p.no_service and "lib/app.js defines a listen() of its own" in p.no_service[0]
    text = render(p)
    assert "\n[serve]" not in text
    assert config.validate(tomllib.loads(text)).serve is None


# -- environment ----------------------------------------------------------------------------
def test_env_template_and_envalid_schema_get_safe_values(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".env.template": (
                'NODE_ENV="development" # dev or prod\n'
                "PORT=8080\nHOST=localhost\nCORS_ORIGIN=http://localhost:*\n"
                "RATE_LIMIT_MAX_REQUESTS=20\nJWT_SECRET=\nUNUSED=1\nAPP_NAME=\n"
            ),
            "src/env.ts": (
                "export const env = cleanEnv(process.env, {\n"
                "  NODE_ENV: str({ choices: ['development', 'production', 'test'] }),\n"
                "  PORT: port({ devDefault: testOnly(3000) }),\n"
                "  HOST: host(),\n"
                "  CORS_ORIGIN: str(),\n"
                "  RATE_LIMIT_MAX_REQUESTS: num(),\n"
                "  JWT_SECRET: str(),\n"
                "  LOG_LEVEL: str({ default: 'info' }),\n"
                "});\n"
                "const name = process.env.APP_NAME || 'app';\n"
            ),
        },
    )
    texts = {p: p.read_text() for p in tmp_path.rglob("*.ts")}
    got = {e.name: e for e in envvars.required(tmp_path, texts, {"PORT"})}
    assert set(got) == {"NODE_ENV", "HOST", "CORS_ORIGIN", "RATE_LIMIT_MAX_REQUESTS", "JWT_SECRET"}
    assert got["NODE_ENV"].value == "production"
    assert got["HOST"].value == "127.0.0.1"
    assert got["CORS_ORIGIN"].value == "http://localhost:*" and got["CORS_ORIGIN"].edit is None
    assert got["RATE_LIMIT_MAX_REQUESTS"].value == "1000000"
    assert got["JWT_SECRET"].edit and len(got["JWT_SECRET"].value) >= 32
    assert envvars.port_var(tmp_path, texts) == ("PORT", "envalid schema in src/env.ts")


def test_zod_env_schema_and_env_example(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".env.example": "DATABASE_URL=\nAPI_KEY=changeme\n",
            "config.js": (
                "const schema = z.object({\n"
                "  DATABASE_URL: z.string().url(),\n"
                "  API_KEY: z.string(),\n"
                "  DEBUG: z.coerce.boolean().default(false),\n"
                "});\n"
                "export const env = schema.parse(process.env);\n"
            ),
        },
    )
    texts = {tmp_path / "config.js": (tmp_path / "config.js").read_text()}
    got = {e.name: e for e in envvars.required(tmp_path, texts, set())}
    assert set(got) == {"DATABASE_URL", "API_KEY"}
    assert got["DATABASE_URL"].value.startswith("http://127.0.0.1") and got["DATABASE_URL"].edit
    assert got["API_KEY"].value == "changeme"


# -- package managers -----------------------------------------------------------------------
def test_pnpm_package_manager_pin_is_the_baseline(tmp_path: Path) -> None:
    write(tmp_path, {"package.json": pkg(packageManager="pnpm@10.8.1+sha512.abcdef")})
    pm = package_manager_spec(tmp_path)
    assert pm is not None and (pm.name, pm.version) == ("pnpm", "10.8.1")
    (tmp_path / "package.json").write_text(pkg())
    for lock, settings, major in (
        ("lockfileVersion: '9.0'\n", {}, "9"),  # pnpm 10 would have skipped build scripts
        ("lockfileVersion: '9.0'\n", {"onlyBuiltDependencies": ["esbuild"]}, "10"),
        ("lockfileVersion: '6.0'\n", {}, "8"),
    ):
        (tmp_path / "package.json").write_text(pkg(pnpm=settings))
        (tmp_path / "pnpm-lock.yaml").write_text(lock)
        pm = package_manager_spec(tmp_path)
        assert pm is not None and (pm.name, pm.version, pm.pinned) == ("pnpm", major, None)


# -- what a failure says ----------------------------------------------------------------------
def test_the_telling_line_names_the_cause_not_the_generic_last_line() -> None:
    from bakeoff.results.tails import telling_line

    envalid = (
        "================================\n Missing environment variables:\n"
        "    JWT_SECRET: a secret\n================================\n\n"
        " Exiting with error code 1\n"
    )
    assert telling_line(envalid, "") == "Missing environment variables: JWT_SECRET: a secret"
    usage = "Usage: json-server [options] <file>\n\nOptions:\n  -p, --port <port>  Port\n"
    assert telling_line("", usage).startswith("Usage: json-server")  # printed to stdout
    noisy = (
        "(node:1) [DEP0169] DeprecationWarning: `url.parse()` is prone to errors\n"
        "FAIL src/app.test.ts\n  TypeError: app.listen is not a function\n"
        "error Command failed with exit code 1.\n"
        "info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.\n"
    )
    assert telling_line(noisy) == "TypeError: app.listen is not a function"
    jest = "No tests found, exiting with code 1\nPattern:  - 0 matches\n"
    jest += "error Command failed with exit code 1.\n"
    assert telling_line(jest) == "No tests found, exiting with code 1"
    tsc_err = "a.ts(3,1): error TS2307: Cannot find module 'x'\n"
    tsc_run = '$ rimraf dist && tsc\nerror: script "build" exited with code 1\n'
    assert telling_line(tsc_run, tsc_err) == "a.ts(3,1): error TS2307: Cannot find module 'x'"
    crash = (
        "Error: Could not locate the bindings file. Tried:\n → build/x.node\n\nNode.js v26.1.0\n"
    )
    assert telling_line(crash).startswith("Error: Could not locate the bindings file")


def test_tried_comments_are_one_clean_line() -> None:
    from bakeoff.project.initfile import tried_line
    from bakeoff.project.trial import Tried

    t = Tried("serve", False, "exited", stdout_tail="\x1b[31mERROR\x1b[39m: boom\r\n\tat x\x07")
    line = tried_line(t)
    assert line.startswith("# init tried serve: failed: exited — ") and "\n" not in line
    assert "\x1b" not in line and "\x07" not in line and "ERROR: boom" in line
    tomllib.loads(line + "\n")  # a comment TOML accepts


def test_a_bin_that_is_build_output_runs_from_its_source(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": pkg(
                type="module", bin={"tool": "lib/bin.js"}, scripts={"build": "tsc"}
            ),
            "tsconfig.json": '{"compilerOptions": {"outDir": "lib", "rootDir": "src"}}',
            "src/bin.ts": "console.log(process.argv.slice(2));\n",
        },
    )
    p = detect(tmp_path)
    assert p.bin_files == {"tool": "src/bin.ts"}
    cfg = config.validate(tomllib.loads(render(p)))
    assert [s.script for s in cfg.startup.scripts] == ["src/bin.ts"]
    assert cfg.build is not None and cfg.build.script == "build" and cfg.build.entry is None


def test_node_flags_are_translated_for_bun_and_deno() -> None:
    from bakeoff.suites.serve.spec import runtime_flags

    flags = ["--import", "tsx", "-r", "dotenv/config", "--env-file=.env", "--enable-source-maps"]
    assert runtime_flags("node", flags) == (flags, [])
    bun, dropped = runtime_flags("bun", flags)
    assert bun == ["--preload", "dotenv/config", "--env-file=.env"]
    assert dropped[0].startswith("--import tsx") and "--enable-source-maps" in dropped
    deno, dropped = runtime_flags("deno", flags)
    assert deno == ["--env-file=.env"] and "-r dotenv/config" in dropped


def test_a_failed_service_build_is_recorded_as_the_serve_suites_failure(tmp_path: Path) -> None:
    from bakeoff.measure.fake import FakeExecutor
    from bakeoff.measure.loadgen import Request
    from bakeoff.plan.contestants import Contender
    from bakeoff.results import Failure, ResultsDocument
    from bakeoff.results.tails import failure_line
    from bakeoff.runtimes.provision import Runtime
    from bakeoff.suites.base import SuiteContext
    from bakeoff.suites.serve import ServeSpec, ServeSuite

    fail = Failure(
        reason="serve.build: the project's `pnpm run build` failed (exit 2)",
        exit_code=2,
        stdout_tail="src/index.ts(3,21): error TS2307: Cannot find module '@/server'\n",
        command="node pnpm.cjs run build",
    )
    suite = ServeSuite(ServeSpec(entry="dist/index.js", mix=[Request("/")]), setup_failure=fail)
    people = [
        Contender(n, Runtime(n, f"{n}@1", "1.0.0", tmp_path / n, "0" * 64, "path"))
        for n in ("node", "bun")
    ]
    doc = ResultsDocument()
    assert suite.run(SuiteContext(people, FakeExecutor({}), tmp_path), doc)
    for name in ("node", "bun"):
        m = doc.measurement("serve", "ready", "ready_ms", name)
        assert m is not None and not m.valid and m.failures == [fail]
    assert "Cannot find module '@/server'" in failure_line(fail)
    assert raw(doc)["suites"]["serve"]["failed"].startswith("serve.build")


def test_build_script_mode_runs_the_projects_script_per_toolchain(tmp_path: Path) -> None:
    from bakeoff.plan.contestants import Contender
    from bakeoff.plan.toolchains import Toolchain
    from bakeoff.runtimes.provision import Runtime
    from bakeoff.suites.devloop import script_argv

    def rt(name: str) -> Runtime:
        return Runtime(name, name, "1.0.0", tmp_path / name, "0" * 64, "path")

    node = Toolchain(
        "node", Contender("node", rt("node")), "pnpm", "node", "esbuild", {"pnpm": rt("pnpm")}
    )
    bun = Toolchain("bun", Contender("bun", rt("bun")), "bun", "bun", "bun")
    deno = Toolchain("deno", Contender("deno", rt("deno")), "deno", "deno", "deno")
    assert script_argv(node, "build") == [
        str(tmp_path / "node"),
        str(tmp_path / "pnpm"),
        "run",
        "build",
    ]
    assert script_argv(bun, "build") == [str(tmp_path / "bun"), "--bun", "run", "build"]
    assert script_argv(deno, "build") is None  # recorded as not run, with the reason


def test_javascript_launch_beats_a_typescript_loader_of_the_same_rank(tmp_path: Path) -> None:
    from bakeoff.project.launch import candidates

    scripts = {
        "dev": "vite",  # a tool, not a file the runtime runs
        "ts:dev": "tsc && ts-node src/index.ts",
        "tsc:dev": "tsc && node dist/index.js",
        "tsc:build": "tsc",
    }
    got = candidates(scripts, tmp_path, "dist/index.js")
    assert [c.script for c in got] == ["tsc:dev", "ts:dev"]
    assert got[0].build == ["tsc:build"]  # `tsc` before the start is the project's tsc:build
    assert got[1].node_flags == ["-r", "ts-node/register"]


def test_a_library_wrapping_listen_in_a_method_is_no_service(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "package.json": pkg(main="lib/application.js"),
            "lib/application.js": (
                "const http = require('http');\n"
                "module.exports = class Application {\n"
                "  listen (...args) {\n"
                "    const server = http.createServer(this.callback());\n"
                "    return server.listen(...args);\n"
                "  }\n"
                "};\n"
            ),
        },
    )
    p = detect(tmp_path)
    assert p.service is None and "a listen() of its own" in p.no_service[0]


# -- a test script that finds no test file ------------------------------------------------
def test_a_test_script_that_finds_no_tests_is_written_disabled(tmp_path: Path) -> None:
    """koa-typescript: `jest --forceExit --coverage` exits 1 with "No tests found" when init
    tries it; the [test] section was written enabled and the quick run spent its test share
    on a suite with nothing to time. It is now written with ``enabled = false`` and the why."""
    from bakeoff.project.trial import TrialReport, Tried, found_no_tests

    root = write(
        tmp_path,
        {
            "package.json": pkg(
                scripts={"test": "jest --forceExit"}, devDependencies={"jest": "^25"}
            )
        },
    )
    none = Tried(
        "test",
        False,
        "the test script exited with code 1",
        stdout_tail="No tests found, exiting with code 1\nRun with `--passWithNoTests`\n",
    )
    text = render(detect(root), trial=TrialReport([none]))
    cfg = config.validate(tomllib.loads(text))
    assert cfg.test is not None and cfg.test.enabled is False
    assert "found no test file" in text
    real = Tried("test", False, "exit 1", stderr_tail="FAIL src/a.test.ts\n  ● adds\n")
    assert not found_no_tests(real)
    cfg = config.validate(tomllib.loads(render(detect(root), trial=TrialReport([real]))))
    assert cfg.test is not None and cfg.test.enabled is True
    assert found_no_tests(Tried("test", True, "ok", stdout_tail="# tests 0\n# pass 0\n"))


# -- routes the import graph does not reach ------------------------------------------------
def test_routes_of_plugins_loaded_through_a_glob_are_candidates(tmp_path: Path) -> None:
    """nodejs/github-bot: server.js requires lib/*-events.js (POST routes only) and loads its
    scripts/*.js plugins through a glob; the one plain GET route (/ping) lives in a plugin, so
    init wrote `path = "/"`, which answered 404 to every request of the load test."""
    write(
        tmp_path,
        {
            "package.json": pkg(main="server.js", dependencies={"express": "^5", "glob": "^7"}),
            "server.js": (
                "import express from 'express'\n"
                "import { globSync } from 'glob'\n"
                "import githubEvents from './lib/github-events.js'\n"
                "const app = express()\n"
                "githubEvents(app)\n"
                "for (const f of globSync('./scripts/**/*.js')) (await import(f)).default(app)\n"
                "app.listen(process.env.PORT || 3000)\n"
            ),
            "lib/github-events.js": (
                "export default function (app) {\n"
                "  app.post('/hooks/github', (req, res) => res.end())\n"
                "}\n"
            ),
            "scripts/ping.js": (
                "export default function (app) {\n"
                "  app.get('/ping', (req, res) => res.end('pong'))\n"
                "}\n"
            ),
        },
    )
    svc = detect(tmp_path).service
    assert svc is not None
    found = {(r.method, r.path) for r in svc.routes}
    assert ("GET", "/ping") in found and ("POST", "/hooks/github") in found


def test_a_service_where_no_get_route_answered_is_written_disabled(tmp_path: Path) -> None:
    """github-bot before its plugin routes were found: the service started, no GET route and
    not / answered 2xx, and init wrote `path = "/"` — every request of the load test was a 404
    and the serve suite failed for every runtime. It is now written disabled, with the why."""
    from bakeoff.project.trial import ServeFound, TrialReport, Tried

    write(
        tmp_path,
        {
            "package.json": pkg(main="server.js", dependencies={"express": "^5"}),
            "server.js": (
                "const app = require('express')()\n"
                "app.post('/hooks/github', (req, res) => res.end())\n"
                "app.listen(process.env.PORT)\n"
            ),
        },
    )
    p = detect(tmp_path)
    started = Tried("serve", True, "node@lts started it; 0 of 0 GET routes answered")
    text = render(p, trial=TrialReport([started], serve=ServeFound()))
    cfg = config.validate(tomllib.loads(text))
    assert cfg.serve is not None and cfg.serve.enabled is False
    assert "no GET route (nor /) answered 2xx" in text
    answered = ServeFound(readiness="/", statuses={})
    cfg = config.validate(tomllib.loads(render(p, trial=TrialReport([started], serve=answered))))
    assert cfg.serve is not None and cfg.serve.enabled is True
