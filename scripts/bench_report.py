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
                             (5, "output_text_ms"), (6, "einsum_ratio"), (7, "jacobian_ms"), (8, "hessian100_ms"),
                             (9, "chainfile_ms"), (10, "gmm_base_ms"), (10, "gmm_error"))
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
rows.append(("  fwd / bwd, the CLI's heap settings (*)", f"{ms('tuned_chain_forward_ms')} / {ms('tuned_chain_backward_ms')}",
             "", "", "", ""))
rows.append(("4 mean(tanh(A@B)) 512^2 fwd+bwd", ms("matmul_tanh_fwdbwd_ms"), ms("torch_matmul_tanh_fwdbwd_ms"),
             ratio("matmul_tanh_fwdbwd_ms", "torch_matmul_tanh_fwdbwd_ms"), "ratio <= 2x",
             verdict(None if num("torch_matmul_tanh_fwdbwd_ms") is None or num("matmul_tanh_fwdbwd_ms") is None
                     else num("matmul_tanh_fwdbwd_ms") <= 2 * num("torch_matmul_tanh_fwdbwd_ms"))))
rows.append(("  mean(A@B) fwd+bwd", ms("matmul_plain_fwdbwd_ms"), ms("torch_matmul_plain_fwdbwd_ms"),
             ratio("matmul_plain_fwdbwd_ms", "torch_matmul_plain_fwdbwd_ms"), "", ""))
rows.append(("  fwd+bwd, the CLI's heap settings (*)", ms("tuned_matmul_tanh_fwdbwd_ms"), "",
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



def mb(key):
    v = num(key)
    return "-" if v is None else f"{v:.0f} MB"


def err(key):
    v = num(key)
    return "-" if v is None else f"{v:.2g}"


def below(key, limit):
    return verdict(check(key, lambda v: v <= limit))


def within(ours, theirs, limit):
    """PASS when ours <= limit * theirs (both measured in this run)."""
    a, b = num(ours), num(theirs)
    return verdict(None if a is None or b is None else a <= limit * b)


def times(key):
    v = num(key)
    return "-" if v is None else f"{v:.2f}x"


# Tolerance of the checks against torch: largest absolute difference of any element.
CHECK = 1e-9
rows.append(("7 jacobian tanh(W@x) 256^2 --json, beyond start-up", ms("jacobian_beyond_ms"), ms("torch_jacobian_ms"),
             ratio("jacobian_beyond_ms", "torch_jacobian_ms"), "<= 0.3x",
             within("jacobian_beyond_ms", "torch_jacobian_ms", 0.3)))
rows.append(("  text output (elided), beyond start-up", ms("jacobian_text_beyond_ms"), "",
             ratio("jacobian_text_beyond_ms", "torch_jacobian_ms"), "", ""))
rows.append(("  torch vectorize=True", "", ms("torch_jacobian_vectorized_ms"),
             ratio("jacobian_beyond_ms", "torch_jacobian_vectorized_ms"), "", ""))
rows.append(("  whole run / start-up and inputs alone", f"{ms('jacobian_ms')} / {ms('jacobian_base_ms')}", "", "", "", ""))
rows.append(("  instructions beyond start-up, JSON / text", f"{minstr('jacobian_beyond_instructions')} / "
             f"{minstr('jacobian_text_beyond_instructions')}", "", "", "", ""))
rows.append(("  max |gradcli - torch|", "", err("torch_jacobian_check_max_err"), "", f"<= {CHECK:g}",
             below("torch_jacobian_check_max_err", CHECK)))
for n in (100, 300):
    rows.append((f"8 hessian sum(tanh(W@x)^2) n={n} --json, beyond start-up", ms(f"hessian{n}_beyond_ms"),
                 ms(f"torch_hessian{n}_ms"), ratio(f"hessian{n}_beyond_ms", f"torch_hessian{n}_ms"), "", ""))
    rows.append(("  torch vectorize=True", "", ms(f"torch_hessian{n}_vectorized_ms"),
                 ratio(f"hessian{n}_beyond_ms", f"torch_hessian{n}_vectorized_ms"), "", ""))
    rows.append(("  whole run; instructions beyond start-up",
                 f"{ms(f'hessian{n}_ms')}; {minstr(f'hessian{n}_beyond_instructions')}", "", "", "", ""))
    rows.append(("  max |gradcli - torch|", "", err(f"torch_hessian{n}_check_max_err"), "", f"<= {CHECK:g}",
                 below(f"torch_hessian{n}_check_max_err", CHECK)))
rows.append(("9 chain x+...+x, 10^6 terms, -f file, wall", ms("chainfile_ms"), ms("torch_chainfile_ms"),
             ratio("chainfile_ms", "torch_chainfile_ms"), "<= 400 ms", below("chainfile_ms", 400)))
rows.append(("  peak RSS (wait4 ru_maxrss)", mb("chainfile_maxrss_mb"), mb("torch_chainfile_maxrss_mb"),
             ratio("chainfile_maxrss_mb", "torch_chainfile_maxrss_mb"), "<= 200 MB", below("chainfile_maxrss_mb", 200)))
rows.append(("  min wall / child CPU time", f"{ms('chainfile_min_ms')} / {ms('chainfile_cpu_ms')}", "", "", "", ""))
rows.append(("  eval (no graph): wall / peak RSS", f"{ms('chainfile_eval_ms')} / {mb('chainfile_eval_maxrss_mb')}",
             "", "", "", ""))
rows.append(("  torch: import torch alone, wall / peak RSS", "", f"{ms('torch_import_ms')} / {mb('torch_import_maxrss_mb')}",
             "", "", ""))
rows.append(("10 GMM 1e4x25x10: gradient / objective", times("gmm_grad_over_objective"),
             "-" if num("torch_gmm_fwdbwd_ms") is None or not num("torch_gmm_objective_nograd_ms") else
             f"{num('torch_gmm_fwdbwd_ms') / num('torch_gmm_objective_nograd_ms'):.2f}x", "", "<= 3",
             below("gmm_grad_over_objective", 3)))
rows.append(("  gradient (alpha, mu, q), beyond start-up", ms("gmm_grad_beyond_ms"), ms("torch_gmm_fwdbwd_ms"),
             ratio("gmm_grad_beyond_ms", "torch_gmm_fwdbwd_ms"), "<= 1x", within("gmm_grad_beyond_ms", "torch_gmm_fwdbwd_ms", 1)))
rows.append(("  objective (eval / no_grad), beyond start-up", ms("gmm_objective_beyond_ms"),
             ms("torch_gmm_objective_nograd_ms"), ratio("gmm_objective_beyond_ms", "torch_gmm_objective_nograd_ms"), "", ""))
rows.append(("  torch objective with grad mode on", "", ms("torch_gmm_objective_ms"), "", "", ""))
rows.append(("  whole runs: grad / eval / inputs alone",
             f"{ms('gmm_grad_ms')} / {ms('gmm_objective_ms')} / {ms('gmm_base_ms')}", "", "", "", ""))
gi, oi = num("gmm_grad_beyond_instructions"), num("gmm_objective_beyond_instructions")
rows.append(("  instructions beyond start-up: grad / eval", f"{minstr('gmm_grad_beyond_instructions')} / "
             f"{minstr('gmm_objective_beyond_instructions')}" + ("" if not gi or not oi else f" = {gi / oi:.2f}x"),
             "", "", "", ""))
rows.append(("  peak RSS of the grad run", mb("gmm_grad_maxrss_mb"), "", "", "", ""))
gv, tv = num("gmm_value"), num("torch_gmm_value")
rows.append(("  max |gradcli - torch|, n=50 k=3 d=4 gradient", "", err("torch_gmm_check_max_err"), "", f"<= {CHECK:g}",
             below("torch_gmm_check_max_err", CHECK)))
rows.append(("  objective value, relative difference", "", "-" if gv is None or tv is None else f"{abs(gv - tv) / abs(tv):.2g}",
             "", "", ""))

kept, item = [rows[0]], None
for row in rows[1:]:
    item = row[0].split()[0] if row[0][0].isdigit() else item
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
    print("(*) same harness after the heap settings the gradcli command makes at start-up (freed memory kept"
          " in the heap, its growth advised to use huge pages); the library alone leaves malloc as it is")
if "gmm_error" in values:
    print(f"10 GMM: gradcli failed: {values['gmm_error']}")
for key in ("machine", "build", "load_before", "load_after", "torch", "date"):
    if key in values:
        print(f"{key}: {values[key]}")
