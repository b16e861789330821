#!/usr/bin/env python3
"""Turns the RESULT lines of one bench/ledger_bench.sh run into the Markdown tables of
docs/benchmarks.md: medians over the repeats, the ratios Suanli / PostgreSQL and
Suanli / SQLite, and the 10^4 vs 10^7 voucher comparison, each checked against the issue's
targets. Usage: summarize.py results.txt machine.txt"""

import statistics
import sys
from collections import defaultdict

CLIENTS = (1, 16, 64)
TARGET_VS_PG = 100.0
TARGET_VS_SQLITE = 50.0
TARGET_P99_US_AT_64 = 2000
TARGET_SCALE_RATIO = 1.5


def parse(path):
    rows = []
    with open(path) as f:
        for line in f:
            if not line.startswith("RESULT "):
                continue
            row = {}
            for field in line.split()[1:]:
                key, _, value = field.partition("=")
                row[key] = value  # left to right: an appended key wins
            for key in ("vouchers", "clients", "k"):
                row[key] = int(row[key])
            for key in ("dps", "p50_us", "p99_us", "max_us", "cpu_us_per_deduction"):
                if key in row:
                    row[key] = float(row[key])
            rows.append(row)
    return rows


def medians(rows):
    """(system, vouchers, k, clients) -> dict of medians and the number of runs."""
    groups = defaultdict(list)
    for r in rows:
        groups[(r["system"], r["vouchers"], r["k"], r["clients"])].append(r)
    out = {}
    for key, runs in groups.items():
        m = {"runs": len(runs)}
        for field in ("dps", "p50_us", "p99_us", "cpu_us_per_deduction"):
            values = [r[field] for r in runs if field in r]
            if values:
                m[field] = statistics.median(values)
        maxes = [r["max_us"] for r in runs if "max_us" in r]
        if maxes:
            m["max_us"] = max(maxes)
        out[key] = m
    return out


def reps(rows):
    return sorted({r.get("rep") for r in rows})


def ms(us):
    return f"{us / 1000:.2f}"


def kdps(dps):
    return f"{dps / 1000:,.1f} k" if dps < 1e6 else f"{dps / 1e6:,.2f} M"


def verdict(ok):
    return "met" if ok else "**not met**"


def main():
    rows = parse(sys.argv[1])
    with open(sys.argv[2]) as f:
        machine = f.read().strip()
    probes = [r for r in rows if r["system"] == "fsync"]
    rows = [r for r in rows if r["system"] != "fsync"]
    main_rows = [r for r in rows if r.get("phase") == "main"]
    scale_rows = [r for r in rows if r.get("phase") == "scale"]
    m = medians(main_rows)
    small = main_rows[0]["vouchers"] if main_rows else 0
    ks = sorted({r["k"] for r in main_rows if r["system"] == "suanli"})
    print("```\n" + machine + "\n```\n")

    print(f"### Durable deductions per second, {small:,} vouchers (median of {len(reps(main_rows))} "
          "repeats)\n")
    head = ["clients"] + [f"Suanli K={k}" for k in ks] + ["PostgreSQL 15", "SQLite FULL",
                                                          "disk fdatasync p50, ms"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for c in CLIENTS:
        cells = [str(c)]
        for key in [("suanli", small, k, c) for k in ks] + [("postgres", small, 1, c),
                                                            ("sqlite", small, 1, c)]:
            x = m.get(key)
            cells.append(kdps(x["dps"]) if x else "–")
        fs = sorted((r.get("rep", ""), r["p50_us"]) for r in probes
                    if r.get("phase") == "main" and r["clients"] == c)
        cells.append(", ".join(ms(us) for _, us in fs) or "–")
        print("| " + " | ".join(cells) + " |")

    # Ratios within one (repeat, clients) group — the systems ran back to back, on the same
    # disk mood — then the median over repeats, with the range beside it.
    by = {(r["system"], r["k"], r["clients"], r.get("rep")): r["dps"] for r in main_rows}
    print(f"\n### Ratios, median over repeats of the ratio within each repeat (range)\n")
    head = ["clients"] + [f"K={k} / PostgreSQL" for k in ks] + [f"K={k} / SQLite" for k in ks]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    checks = []
    for c in CLIENTS:
        cells = [str(c)]
        med = {}
        for base in ("postgres", "sqlite"):
            for k in ks:
                rs = [by[("suanli", k, c, rep)] / by[(base, 1, c, rep)] for rep in reps(main_rows)
                      if ("suanli", k, c, rep) in by and by.get((base, 1, c, rep))]
                if rs:
                    med[(base, k)] = statistics.median(rs)
                    cells.append(f"{med[(base, k)]:,.1f}× ({min(rs):,.1f}–{max(rs):,.1f})")
                else:
                    cells.append("–")
        print("| " + " | ".join(cells) + " |")
        for k in ks:
            if ("postgres", k) in med and ("sqlite", k) in med:
                checks.append((c, k, med[("postgres", k)], med[("sqlite", k)]))

    print(f"\n### Latency per request (submit → durable), median of the runs' p50 / p99, ms\n")
    head = ["clients"] + [f"Suanli K={k}" for k in ks] + ["PostgreSQL 15", "SQLite FULL"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for c in CLIENTS:
        cells = [str(c)]
        for key in [("suanli", small, k, c) for k in ks] + [("postgres", small, 1, c),
                                                            ("sqlite", small, 1, c)]:
            x = m.get(key)
            cells.append(f"{ms(x['p50_us'])} / {ms(x['p99_us'])}" if x else "–")
        print("| " + " | ".join(cells) + " |")

    tks = sorted({r["k"] for r in main_rows if r["system"] == "suanli-threads"})
    if tks:
        print(f"\n### Suanli with one blocking OS thread per client (the earlier client model)\n")
        head = ["clients"] + [f"K={k} deductions/s" for k in tks] + \
            [f"K={k} / PostgreSQL" for k in tks] + [f"K={k} p50 / p99, ms" for k in tks]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for c in CLIENTS:
            cells = [str(c)]
            for k in tks:
                x = m.get(("suanli-threads", small, k, c))
                cells.append(kdps(x["dps"]) if x else "–")
            for k in tks:
                rs = [by[("suanli-threads", k, c, rep)] / by[("postgres", 1, c, rep)]
                      for rep in reps(main_rows)
                      if ("suanli-threads", k, c, rep) in by and by.get(("postgres", 1, c, rep))]
                cells.append(f"{statistics.median(rs):,.1f}× ({min(rs):,.1f}–{max(rs):,.1f})"
                             if rs else "–")
            for k in tks:
                x = m.get(("suanli-threads", small, k, c))
                cells.append(f"{ms(x['p50_us'])} / {ms(x['p99_us'])}" if x else "–")
            print("| " + " | ".join(cells) + " |")

    print("\n### Per-deduction cost by voucher count (Suanli, scale runs)\n")
    s = medians(scale_rows)
    counts = sorted({r["vouchers"] for r in scale_rows})
    scale_checks = []
    if len(counts) >= 2:
        lo, hi = counts[0], counts[-1]
        print(f"| K | clients | deductions/s at {lo:,} | at {hi:,} | CPU µs/deduction at {lo:,} "
              f"| at {hi:,} | cost ratio (CPU) | cost ratio (1/throughput) | p99 ms at {lo:,} / {hi:,} "
              f"| worst max ms at {lo:,} / {hi:,} |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for (system, vouchers, k, c) in sorted(s):
            if vouchers != lo or (system, hi, k, c) not in s:
                continue
            a, b = s[(system, lo, k, c)], s[(system, hi, k, c)]
            cpu_ratio = b["cpu_us_per_deduction"] / a["cpu_us_per_deduction"]
            tput_ratio = a["dps"] / b["dps"]
            scale_checks.append((k, c, cpu_ratio, tput_ratio))
            print(f"| {k} | {c} | {kdps(a['dps'])} | {kdps(b['dps'])} | "
                  f"{a['cpu_us_per_deduction']:.2f} | {b['cpu_us_per_deduction']:.2f} | "
                  f"{cpu_ratio:.2f}× | {tput_ratio:.2f}× | {ms(a['p99_us'])} / {ms(b['p99_us'])} | "
                  f"{ms(a['max_us'])} / {ms(b['max_us'])} |")

    print("\n### Against the targets\n")
    for (c, k, vs_pg, vs_sq) in checks:
        print(f"- {c} clients, K={k}: {vs_pg:,.1f}× PostgreSQL (target ≥ {TARGET_VS_PG:.0f}×: "
              f"{verdict(vs_pg >= TARGET_VS_PG)}), {vs_sq:,.1f}× SQLite (target ≥ "
              f"{TARGET_VS_SQLITE:.0f}×: {verdict(vs_sq >= TARGET_VS_SQLITE)})")
    for k in ks:
        x = m.get(("suanli", small, k, 64))
        if x:
            print(f"- p99 at 64 clients, K={k}: {ms(x['p99_us'])} ms (target ≤ "
                  f"{TARGET_P99_US_AT_64 / 1000:.0f} ms: {verdict(x['p99_us'] <= TARGET_P99_US_AT_64)})")
    for (k, c, cpu_ratio, tput_ratio) in scale_checks:
        print(f"- cost at {counts[-1]:,} vs {counts[0]:,} vouchers, K={k}, {c} clients: "
              f"{cpu_ratio:.2f}× CPU per deduction, {tput_ratio:.2f}× time per deduction "
              f"(target ≤ {TARGET_SCALE_RATIO}×: {verdict(max(cpu_ratio, tput_ratio) <= TARGET_SCALE_RATIO)})")


if __name__ == "__main__":
    main()
