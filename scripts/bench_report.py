"""Prints scripts/bench.sh's table from the `key=value` lines its measurements wrote.

Usage: bench_report.py RESULTS_FILE. Missing keys (item skipped, torch absent) print as "-".
The ratio column is always gradcli time / torch time for the same work (throughputs are
turned into time per request first): below 1 means gradcli is faster.
"""
import sys

values = {}
with open(sys.argv[1]) as f:
    for line in f:
        key, sep, value = line.strip().partition("=")
        if sep:
            values[key] = value


def num(key):
    try:
        return float(values[key])
    except (KeyError, ValueError):
        return None


def ms(key):
    v = num(key)
    return "-" if v is None else (f"{v:.0f} ms" if v >= 100 else f"{v:.2f} ms" if v < 10 else f"{v:.1f} ms")


def rps(key):
    v = num(key)
    return "-" if v is None else f"{v:,.0f}/s"


def ratio(ours, theirs, per_second=False):
    a, b = num(ours), num(theirs)
    if a is None or b is None or a == 0 or b == 0:
        return "-"
    r = b / a if per_second else a / b
    return f"{r:.3g}x"


def verdict(ok):
    return "-" if ok is None else ("PASS" if ok else "MISS")


def check(key, test):
    v = num(key)
    return None if v is None else test(v)


def bwd_fwd(prefix):
    f, b = num(prefix + "chain_forward_ms"), num(prefix + "chain_backward_ms")
    return None if f is None or b is None else b / f


rows = [("item", "gradcli", "torch", "ratio", "target", "status")]
# Which items ran: a row belongs to the item its label starts with (indented rows: the one above).
ran = {str(i) for i, key in ((1, "oneshot_ms"), (2, "batch_n"), (3, "chain_forward_ms"), (4, "matmul_tanh_fwdbwd_ms"),
                             (5, "output_text_ms"), (6, "einsum_ratio"))
       if key in values or "torch_" + key in values}
rows.append(("1 one-shot latency, median wall", ms("oneshot_ms"), ms("torch_oneshot_ms"),
             ratio("oneshot_ms", "torch_oneshot_ms"), "<= 5 ms", verdict(check("oneshot_ms", lambda v: v <= 5))))
rows.append(("  min wall / child CPU time", f"{ms('oneshot_min_ms')} / {ms('oneshot_cpu_ms')}", "", "", "", ""))
instructions = num("oneshot_instructions")
rows.append(("  instructions (callgrind)", "-" if instructions is None else f"{instructions / 1e6:.2f} M", "", "",
             "<= 2.8 M", verdict(None if instructions is None else instructions <= 2.8e6)))
n = values.get("batch_n", "100000")
# The target is for gradcli batch as shipped: one thread per CPU (--jobs 2 on this machine).
# The single-thread row is for reference.
for jobs in (1, 2):
    target = ">= 100,000/s" if jobs == 2 else ""
    status = verdict(check(f"batch_jobs{jobs}_rps", lambda v: v >= 100_000)) if jobs == 2 else ""
    rows.append((f"2 batch {n} req, --jobs {jobs}", rps(f"batch_jobs{jobs}_rps"), rps("torch_batch_json_rps"),
                 ratio(f"batch_jobs{jobs}_rps", "torch_batch_json_rps", per_second=True), target, status))
rows.append(("  torch compute only (no JSON)", "", rps("torch_batch_compute_rps"), "", "", ""))
rows.append(("3 chain 1e6 x 12 ops, forward", ms("chain_forward_ms"), ms("torch_chain_forward_ms"),
             ratio("chain_forward_ms", "torch_chain_forward_ms"), "", ""))
rows.append(("  forward, no grad mode", ms("chain_forward_nograd_ms"), ms("torch_chain_forward_nograd_ms"),
             ratio("chain_forward_nograd_ms", "torch_chain_forward_nograd_ms"), "", ""))
rows.append(("  backward", ms("chain_backward_ms"), ms("torch_chain_backward_ms"),
             ratio("chain_backward_ms", "torch_chain_backward_ms"), "", ""))
ours, theirs = bwd_fwd(""), bwd_fwd("torch_")
rows.append(("  backward / forward", "-" if ours is None else f"{ours:.2f}x",
             "-" if theirs is None else f"{theirs:.2f}x", "", "<= 3x",
             verdict(None if ours is None else ours <= 3)))
rows.append(("  fwd / bwd, malloc tuned (*)", f"{ms('tuned_chain_forward_ms')} / {ms('tuned_chain_backward_ms')}",
             "", "", "", ""))
rows.append(("4 mean(tanh(A@B)) 512^2 fwd+bwd", ms("matmul_tanh_fwdbwd_ms"), ms("torch_matmul_tanh_fwdbwd_ms"),
             ratio("matmul_tanh_fwdbwd_ms", "torch_matmul_tanh_fwdbwd_ms"), "ratio <= 2x",
             verdict(None if num("torch_matmul_tanh_fwdbwd_ms") is None or num("matmul_tanh_fwdbwd_ms") is None
                     else num("matmul_tanh_fwdbwd_ms") <= 2 * num("torch_matmul_tanh_fwdbwd_ms"))))
rows.append(("  mean(A@B) fwd+bwd", ms("matmul_plain_fwdbwd_ms"), ms("torch_matmul_plain_fwdbwd_ms"),
             ratio("matmul_plain_fwdbwd_ms", "torch_matmul_plain_fwdbwd_ms"), "", ""))
rows.append(("  fwd+bwd, malloc tuned (*)", ms("tuned_matmul_tanh_fwdbwd_ms"), "",
             ratio("tuned_matmul_tanh_fwdbwd_ms", "torch_matmul_tanh_fwdbwd_ms"), "", ""))
rows.append(("  gemm alone", ms("matmul_gemm_ms"), ms("torch_matmul_gemm_ms"),
             ratio("matmul_gemm_ms", "torch_matmul_gemm_ms"), "", ""))
rows.append(("5 text of randn(512,512), beyond computing", ms("output_text_beyond_ms"), "", "", "<= 5 ms",
             verdict(check("output_text_beyond_ms", lambda v: v <= 5))))
rows.append(("  whole run / sum() of the same", f"{ms('output_text_ms')} / {ms('output_text_compute_ms')}", "", "", "", ""))
def minstr(key):
    v = num(key)
    return "-" if v is None else f"{v / 1e6:.1f} M"
rows.append(("  instructions beyond computing (callgrind)", minstr("output_text_beyond_instructions"), "", "", "", ""))
rows.append(("5 JSON of randn(1000,1000), beyond computing", ms("output_json_beyond_ms"), "", "", "<= 60 ms",
             verdict(check("output_json_beyond_ms", lambda v: v <= 60))))
rows.append(("  whole run / sum() of the same", f"{ms('output_json_ms')} / {ms('output_json_compute_ms')}", "", "", "", ""))
rows.append(("  instructions beyond computing (callgrind)", minstr("output_json_beyond_instructions"), "", "", "", ""))
rows.append(("6 einsum('ij,jk->ik') of 512x512, beyond the inputs", ms("einsum_einsum_ms"), "", "", "", ""))
rows.append(("  A @ B, beyond the inputs; einsum / matmul", f"{ms('einsum_matmul_ms')}; {num('einsum_ratio') or 0:.2f}x",
             "", "", "<= 1.2x", verdict(check("einsum_ratio", lambda v: v <= 1.2))))

kept, item = [rows[0]], None
for row in rows[1:]:
    item = row[0][0] if row[0][0].isdigit() else item
    if item in ran:
        kept.append(row)
rows = kept
widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for i, row in enumerate(rows):
    print("  ".join(cell.ljust(w) if j == 0 else cell.rjust(w) for j, (cell, w) in enumerate(zip(row, widths))).rstrip())
    if i == 0:
        print("  ".join("-" * w for w in widths))
cpu2, rps2 = num("batch_jobs2_cpu_s"), num("batch_jobs2_rps")
if cpu2 is not None and rps2 and "2" in ran:
    cores = cpu2 / (num("batch_n") / rps2)
    print(f"batch --jobs 2 kept {cores:.2f} cores busy" + (" -- it did not run in parallel" if cores < 1.2 else ""))
if "tuned_chain_forward_ms" in values or "tuned_matmul_tanh_fwdbwd_ms" in values:
    print("(*) same harness with GLIBC_TUNABLES=glibc.malloc.trim_threshold=1G:glibc.malloc.mmap_threshold=1G;"
          " the gradcli command sets the same with mallopt at start-up; the library leaves malloc alone")
for key in ("machine", "build", "load_before", "load_after", "torch", "date"):
    if key in values:
        print(f"{key}: {values[key]}")
