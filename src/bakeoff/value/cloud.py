"""Cloud cost lines for the service runtime on one platform: compute, memory, requests and
cold starts, from measured CPU per 1k requests, latency, RSS and start-up, and the usage.

Billing rules (docs/value.md; the prices, each with its source, in src/bakeoff/config/*.toml):
Lambda bills configured memory × duration rounded up to 1 ms, in tiers, with a free tier,
plus INIT time on cold starts; Fargate and EC2 bill always-on capacity; Cloud Run bills
instance time (requests × latency / concurrency, or the CPU the requests need) with a free
tier; Azure Functions bills *measured* memory in 128 MB buckets; Container Apps bills allocated
vCPU and memory per second with a free grant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bakeoff.config.prices import Price, PriceBook
from bakeoff.value.inputs import Inputs, Point
from bakeoff.value.lines import LineAt, dec
from bakeoff.value.usage import Usage

HOURS_PER_MONTH = 730
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
LAMBDA_MB_PER_VCPU = 1769  # ~1 vCPU at 1,769 MB
AZURE_BUCKET_MB = 128


@dataclass
class ServiceInputs:
    """The measurements a cloud estimate needs for one contestant at one point."""

    cpu_ms_per_req: float | None
    latency_ms: float | None
    rss_mb: float | None
    startup_ms: float | None
    refs: dict[str, dict[str, Any]]


def service_inputs(inp: Inputs, who: str, rate_case: str | None, point: Point) -> ServiceInputs:
    refs: dict[str, dict[str, Any]] = {}

    def read(name: str, options: list[tuple[str, str, str]]) -> float | None:
        found = inp.first(who, options)
        if found is None:
            return None
        refs[name] = inp.ref(*found, who)
        return inp.get(*found, who, point)

    cpu = lat = None
    rss_opts: list[tuple[str, str, str]] = []
    if rate_case:
        cpu_1k = read("cpu", [("serve", rate_case, "cpu_ms_per_1k_req")])
        cpu = cpu_1k / 1000 if cpu_1k is not None else None
        lat = read("latency", [("serve", rate_case, "latency_p50_ms")])
        rss_opts = [("serve", rate_case, "peak_rss_mb"), ("serve", rate_case, "rss_steady_mb")]
    rss = read(
        "rss", [*rss_opts, ("serve", "ready", "idle_rss_mb"), ("startup", "hello", "peak_rss_mb")]
    )
    startup = read("startup", [("serve", "ready", "ready_ms"), ("startup", "hello", "wall_ms")])
    return ServiceInputs(cpu, lat, rss, startup, refs)


def _cost(
    book: PriceBook, key: str, quantity: float | Decimal
) -> tuple[Price | None, Decimal | None]:
    p = book.price(key)
    if p is None:
        return None, None
    q = quantity if isinstance(quantity, Decimal) else dec(quantity)
    return p, q * p.unit_price


def _free(book: PriceBook, usage: Usage, key: str) -> float:
    return float(book.allowance(key)) if usage.deployment.apply_free_tier else 0.0


def _missing(category: str, name: str, what: str, unit: str) -> LineAt:
    return LineAt(category, name, "cash", unit, None, None, note=f"not estimated: {what}")


def right_size(platform: str, rss_mb: float, headroom: float) -> int:
    """The smallest memory setting that holds ``rss_mb`` plus headroom on ``platform``."""
    need = rss_mb * (1 + headroom)
    step, floor = (1, 128) if platform == "lambda" else (128, 128)
    if platform in ("fargate", "container_apps"):
        step, floor = 512, 512
    return max(floor, int(math.ceil(need / step) * step))


def memory_setting(usage: Usage, rss_mb: float | None) -> tuple[int, str]:
    d = usage.deployment
    if d.right_size_memory and rss_mb is not None:
        mb = right_size(d.platform, rss_mb, d.memory_headroom)
        return mb, f"right-sized to {mb} MB (peak RSS {rss_mb:.0f} MB + {d.memory_headroom:.0%})"
    return d.memory_mb, f"configured {d.memory_mb} MB"


def memory_statement(usage: Usage, rss_mb: float | None, setting_mb: int) -> str:
    """Where lower RSS saves money on this platform, and where it does not."""
    d = usage.deployment
    rss = f"measured peak RSS {rss_mb:.0f} MB" if rss_mb is not None else "RSS not measured"
    if d.platform == "azure_functions":
        return (
            f"{rss}; Azure Functions bills measured memory (128 MB buckets): "
            "lower RSS lowers the bill by itself"
        )
    if d.platform == "ec2":
        return (
            f"{rss}; EC2 bills whole instances: lower RSS saves only when memory, "
            "not CPU, decides how many instances you need"
        )
    fits = ""
    if rss_mb is not None:
        smallest = right_size(d.platform, rss_mb, d.memory_headroom)
        fits = (
            f"; the smallest setting that holds it with {d.memory_headroom:.0%} "
            f"headroom is {smallest} MB"
        )
        if rss_mb > setting_mb:
            fits += f" — WARNING: peak RSS exceeds the {setting_mb} MB setting"
    how = (
        "right-sized per runtime"
        if d.right_size_memory
        else f"set to {setting_mb} MB for every runtime"
    )
    return (
        f"{rss}; billed on configured memory ({how}): "
        f"lower RSS saves money only if you lower the setting{fits}"
    )


def _tiered(
    book: PriceBook, key: str, start: float, end: float
) -> tuple[Price | None, Decimal | None]:
    """Cost of GB-s from ``start`` to ``end`` on a tiered Lambda price."""
    t1 = book.price(key)
    if t1 is None:
        return None, None
    if t1.up_to is None or end <= float(t1.up_to):
        return t1, dec(end - start) * t1.unit_price
    t2 = book.price(f"{key}.tier2")
    if t2 is None:
        return t1, None
    edge = float(t1.up_to)
    in1 = max(0.0, min(end, edge) - start)
    in2 = max(0.0, end - max(start, edge))
    return t1, dec(in1) * t1.unit_price + dec(in2) * t2.unit_price


def _instances(usage: Usage, cpu_ms_per_req: float, vcpu: float) -> int:
    need = (
        usage.traffic.peak_rps
        * cpu_ms_per_req
        / 1000
        / (vcpu * usage.deployment.target_utilisation)
    )
    floor = 1 if usage.traffic.requests_per_month > 0 else 0
    return max(usage.deployment.min_instances, floor, math.ceil(need - 1e-9))


def lines(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    d = usage.deployment
    fn = {
        "lambda": _lambda,
        "fargate": _fargate,
        "cloud_run": _cloud_run,
        "azure_functions": _azure_functions,
        "container_apps": _container_apps,
        "ec2": _ec2,
    }[d.platform]
    return fn(usage, book, s)


def _refs(s: ServiceInputs, *names: str) -> list[dict[str, Any]]:
    return [s.refs[n] for n in names if n in s.refs]


def _lambda(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    d, req = usage.deployment, float(usage.traffic.requests_per_month)
    mem, mem_note = memory_setting(usage, s.rss_mb)
    gb = mem / 1024
    key = f"aws.lambda.duration.{d.arch}"
    out: list[LineAt] = []
    free_gbs = _free(book, usage, "aws.lambda.free.gb_s")
    inv_gbs = 0.0
    if s.cpu_ms_per_req is None:
        out.append(
            _missing("compute", "Lambda duration", "no serve CPU-per-request measurement", "GB-s")
        )
    else:
        share = min(1.0, mem / LAMBDA_MB_PER_VCPU)
        dur = max(s.latency_ms or 0.0, s.cpu_ms_per_req / share)
        billed_ms = math.ceil(dur - 1e-9) if dur > 0 else 1
        inv_gbs = req * billed_ms / 1000 * gb
        billable = max(0.0, inv_gbs - free_gbs)
        p, amount = _tiered(book, key, 0.0, billable)
        out.append(
            LineAt(
                "compute",
                "Lambda duration",
                "cash",
                "GB-s",
                inv_gbs,
                amount,
                p,
                key,
                refs=_refs(s, "cpu", "latency"),
                note=f"{billed_ms} ms billed per invocation (CPU {s.cpu_ms_per_req:.3f} ms/request "
                f"at {share:.2f} vCPU, latency p50 {s.latency_ms or 0:.2f} ms, rounded up to 1 ms) "
                f"× {mem_note}; free {free_gbs:,.0f} GB-s",
            )
        )
    if d.cold_start_rate == 0:
        pass
    elif s.startup_ms is None:
        out.append(_missing("cold_starts", "Lambda INIT", "no start-up measurement", "GB-s"))
    else:
        cold = req * d.cold_start_rate
        cold_gbs = cold * math.ceil(s.startup_ms - 1e-9) / 1000 * gb
        start = max(0.0, inv_gbs - free_gbs)
        left_free = max(0.0, free_gbs - inv_gbs)
        billable = max(0.0, cold_gbs - left_free)
        p, amount = _tiered(book, key, start, start + billable)
        out.append(
            LineAt(
                "cold_starts",
                "Lambda INIT (cold starts)",
                "cash",
                "GB-s",
                cold_gbs,
                amount,
                p,
                key,
                refs=_refs(s, "startup"),
                note=f"{cold:,.0f} cold starts ({d.cold_start_rate:.1%} of invocations) × "
                f"{s.startup_ms:.0f} ms measured start-up; INIT is billed",
            )
        )
    free_req = _free(book, usage, "aws.lambda.free.requests")
    p, amount = _cost(book, "aws.lambda.requests", max(0.0, req - free_req))
    out.append(
        LineAt(
            "requests",
            "Lambda requests",
            "cash",
            "request",
            req,
            amount,
            p,
            "aws.lambda.requests",
            note=f"free {free_req:,.0f} requests",
        )
    )
    out.append(
        LineAt(
            "memory",
            "memory",
            "info",
            "MB",
            float(mem),
            None,
            refs=_refs(s, "rss"),
            note=memory_statement(usage, s.rss_mb, mem),
        )
    )
    return out


def _always_on(
    usage: Usage,
    book: PriceBook,
    s: ServiceInputs,
    label: str,
    vcpu_key: str,
    mem_key: str,
    per_second: bool,
) -> list[LineAt]:
    d = usage.deployment
    mem, mem_note = memory_setting(usage, s.rss_mb)
    out: list[LineAt] = []
    if s.cpu_ms_per_req is None:
        out.append(
            _missing("compute", f"{label} vCPU", "no serve CPU-per-request measurement", "vCPU")
        )
        out.append(
            _missing("memory", f"{label} memory", "instance count needs CPU per request", "GB")
        )
        return out
    n = _instances(usage, s.cpu_ms_per_req, d.vcpu)
    unit_t = "s" if per_second else "hour"
    t = n * (SECONDS_PER_MONTH if per_second else HOURS_PER_MONTH)
    vq = t * d.vcpu
    mq = t * mem / 1024
    free_v = free_m = 0.0
    if per_second:
        free_v = _free(book, usage, "azure.container_apps.free.vcpu_s")
        free_m = _free(book, usage, "azure.container_apps.free.gib_s")
    why = (
        f"{n} × {d.vcpu:g} vCPU running all month: peak {usage.traffic.peak_rps:g} rps × "
        f"{s.cpu_ms_per_req:.3f} CPU ms/request at {d.target_utilisation:.0%} target "
        f"utilisation, at least {d.min_instances} (min_instances)"
    )
    p, amount = _cost(book, vcpu_key, max(0.0, vq - free_v))
    out.append(
        LineAt(
            "compute",
            f"{label} vCPU",
            "cash",
            f"vCPU-{unit_t}",
            vq,
            amount,
            p,
            vcpu_key,
            refs=_refs(s, "cpu"),
            note=why,
        )
    )
    p, amount = _cost(book, mem_key, max(0.0, mq - free_m))
    out.append(
        LineAt(
            "memory",
            f"{label} memory",
            "cash",
            f"GB-{unit_t}",
            mq,
            amount,
            p,
            mem_key,
            refs=_refs(s, "rss"),
            note=f"{mem_note}. {memory_statement(usage, s.rss_mb, mem)}",
        )
    )
    return out


def _fargate(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    a = usage.deployment.arch
    out = _always_on(
        usage, book, s, "Fargate", f"aws.fargate.vcpu_hour.{a}", f"aws.fargate.gb_hour.{a}", False
    )
    out.append(_startup_info(s))
    return out


def _container_apps(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    out = _always_on(
        usage,
        book,
        s,
        "Container Apps",
        "azure.container_apps.active_vcpu_s",
        "azure.container_apps.gib_s",
        True,
    )
    req = float(usage.traffic.requests_per_month)
    free = _free(book, usage, "azure.container_apps.free.requests")
    p, amount = _cost(book, "azure.container_apps.requests", max(0.0, req - free))
    out.append(
        LineAt(
            "requests",
            "Container Apps requests",
            "cash",
            "request",
            req,
            amount,
            p,
            "azure.container_apps.requests",
            note=f"free {free:,.0f} requests",
        )
    )
    out.append(_startup_info(s))
    return out


def _startup_info(s: ServiceInputs) -> LineAt:
    return LineAt(
        "cold_starts",
        "start-up",
        "info",
        "ms",
        s.startup_ms,
        None,
        refs=_refs(s, "startup"),
        note="always-on instances: start-up time costs nothing per request; "
        "it matters on deploys and scale-out",
    )


def _cloud_run(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    d, req = usage.deployment, float(usage.traffic.requests_per_month)
    mem, mem_note = memory_setting(usage, s.rss_mb)
    out: list[LineAt] = []
    if s.cpu_ms_per_req is None:
        out.append(
            _missing("compute", "Cloud Run vCPU", "no serve CPU-per-request measurement", "vCPU-s")
        )
        out.append(
            _missing("memory", "Cloud Run memory", "instance time needs CPU per request", "GiB-s")
        )
        inst_s = 0.0
    else:
        by_latency = req * (s.latency_ms or 0.0) / 1000 / d.concurrency
        by_cpu = req * s.cpu_ms_per_req / 1000 / (d.vcpu * d.target_utilisation)
        inst_s = max(by_latency, by_cpu)
        vq, mq = inst_s * d.vcpu, inst_s * mem / 1024
        p, amount = _cost(
            book,
            "gcp.cloud_run.vcpu_s",
            max(0.0, vq - _free(book, usage, "gcp.cloud_run.free.vcpu_s")),
        )
        out.append(
            LineAt(
                "compute",
                "Cloud Run vCPU",
                "cash",
                "vCPU-s",
                vq,
                amount,
                p,
                "gcp.cloud_run.vcpu_s",
                refs=_refs(s, "cpu", "latency"),
                note=f"instance time {inst_s:,.0f} s = max(requests × p50 latency / "
                f"concurrency {d.concurrency}, requests × CPU per request / "
                f"({d.vcpu:g} vCPU × {d.target_utilisation:.0%}))",
            )
        )
        p, amount = _cost(
            book,
            "gcp.cloud_run.gib_s",
            max(0.0, mq - _free(book, usage, "gcp.cloud_run.free.gib_s")),
        )
        out.append(
            LineAt(
                "memory",
                "Cloud Run memory",
                "cash",
                "GiB-s",
                mq,
                amount,
                p,
                "gcp.cloud_run.gib_s",
                refs=_refs(s, "rss"),
                note=f"{mem_note}. {memory_statement(usage, s.rss_mb, mem)}",
            )
        )
    if d.cold_start_rate == 0:
        pass
    elif s.startup_ms is None:
        out.append(_missing("cold_starts", "Cloud Run cold starts", "no start-up measurement", "s"))
    else:
        cold_s = req * d.cold_start_rate * s.startup_ms / 1000
        pv, av = _cost(book, "gcp.cloud_run.vcpu_s", cold_s * d.vcpu)
        _pm, am = _cost(book, "gcp.cloud_run.gib_s", cold_s * mem / 1024)
        amount = av + am if av is not None and am is not None else None
        out.append(
            LineAt(
                "cold_starts",
                "Cloud Run cold starts",
                "cash",
                "instance-s",
                cold_s,
                amount,
                pv,
                "gcp.cloud_run.vcpu_s",
                refs=_refs(s, "startup"),
                note=f"{d.cold_start_rate:.1%} of requests × {s.startup_ms:.0f} ms start-up, "
                "billed as instance time",
            )
        )
    free = _free(book, usage, "gcp.cloud_run.free.requests")
    p, amount = _cost(book, "gcp.cloud_run.requests", max(0.0, req - free))
    out.append(
        LineAt(
            "requests",
            "Cloud Run requests",
            "cash",
            "request",
            req,
            amount,
            p,
            "gcp.cloud_run.requests",
            note=f"free {free:,.0f} requests",
        )
    )
    return out


def _azure_functions(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    d, req = usage.deployment, float(usage.traffic.requests_per_month)
    out: list[LineAt] = []
    if s.rss_mb is None:
        bucket = None
    else:
        bucket = max(
            AZURE_BUCKET_MB, math.ceil(s.rss_mb / AZURE_BUCKET_MB - 1e-9) * AZURE_BUCKET_MB
        )
    if s.cpu_ms_per_req is None or bucket is None:
        out.append(
            _missing(
                "compute",
                "Functions execution",
                "no serve CPU-per-request or RSS measurement",
                "GB-s",
            )
        )
    else:
        dur = max(s.latency_ms or 0.0, s.cpu_ms_per_req)
        gbs = req * dur / 1000 * bucket / 1024
        p, amount = _cost(book, "azure.functions.gb_s", gbs)
        out.append(
            LineAt(
                "compute",
                "Functions execution",
                "cash",
                "GB-s",
                gbs,
                amount,
                p,
                "azure.functions.gb_s",
                refs=_refs(s, "cpu", "latency", "rss"),
                note=f"{dur:.2f} ms per execution × measured memory {bucket} MB bucket",
            )
        )
    if d.cold_start_rate == 0:
        pass
    elif s.startup_ms is None or bucket is None:
        out.append(
            _missing(
                "cold_starts", "Functions cold starts", "no start-up or RSS measurement", "GB-s"
            )
        )
    else:
        gbs = req * d.cold_start_rate * s.startup_ms / 1000 * bucket / 1024
        p, amount = _cost(book, "azure.functions.gb_s", gbs)
        out.append(
            LineAt(
                "cold_starts",
                "Functions cold starts",
                "cash",
                "GB-s",
                gbs,
                amount,
                p,
                "azure.functions.gb_s",
                refs=_refs(s, "startup"),
                note=f"{d.cold_start_rate:.1%} of executions × {s.startup_ms:.0f} ms start-up",
            )
        )
    p, amount = _cost(book, "azure.functions.executions", req)
    out.append(
        LineAt(
            "requests",
            "Functions executions",
            "cash",
            "execution",
            req,
            amount,
            p,
            "azure.functions.executions",
        )
    )
    out.append(
        LineAt(
            "memory",
            "memory",
            "info",
            "MB",
            float(bucket) if bucket else None,
            None,
            refs=_refs(s, "rss"),
            note=memory_statement(usage, s.rss_mb, bucket or 0),
        )
    )
    return out


def _ec2(usage: Usage, book: PriceBook, s: ServiceInputs) -> list[LineAt]:
    d = usage.deployment
    key = f"aws.ec2.{d.instance_type}"
    p = book.price(key)
    if p is None or s.cpu_ms_per_req is None:
        what = f"no price for {key}" if p is None else "no serve CPU-per-request measurement"
        return [_missing("compute", f"EC2 {d.instance_type}", what, "instance-hour")]
    vcpu = float(p.vcpu or 1)
    mem_mb = float(p.memory_gib or 0) * 1024
    procs = max(
        1, math.ceil(usage.traffic.peak_rps * s.cpu_ms_per_req / 1000 / d.target_utilisation - 1e-9)
    )
    per_inst = int(vcpu)
    mem_bound = False
    if s.rss_mb and mem_mb:
        fit = int(mem_mb // (s.rss_mb * (1 + d.memory_headroom)))
        if fit < per_inst:
            per_inst, mem_bound = max(1, fit), True
    n = max(d.min_instances, math.ceil(procs / per_inst))
    hours = n * HOURS_PER_MONTH
    amount = dec(hours) * p.unit_price
    return [
        LineAt(
            "compute",
            f"EC2 {d.instance_type}",
            "cash",
            "instance-hour",
            float(hours),
            amount,
            p,
            key,
            refs=_refs(s, "cpu", "rss"),
            note=f"{n} instance(s): {procs} single-threaded process(es) for peak "
            f"{usage.traffic.peak_rps:g} rps at {d.target_utilisation:.0%}, {per_inst} per "
            f"instance ({'memory' if mem_bound else 'vCPU'}-bound), at least {d.min_instances}",
        ),
        LineAt(
            "memory",
            "memory",
            "info",
            "MB",
            s.rss_mb,
            None,
            refs=_refs(s, "rss"),
            note=memory_statement(usage, s.rss_mb, int(mem_mb))
            + (
                "; here memory decides the instance count"
                if mem_bound
                else "; here CPU decides the instance count"
            ),
        ),
        _startup_info(s),
    ]
