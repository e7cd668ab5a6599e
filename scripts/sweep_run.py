#!/usr/bin/env python3
"""Developer sweep: every pasted one-liner of scripts/pasted_cases.py run as a program, through
PyTorch and through `gradcli run`, and their outputs compared (values, grad_fn and gradients
as PyTorch prints them). Prints the cases whose outputs differ.

    /work/.venv-torch/bin/python scripts/sweep_run.py [GRADCLI]   (default .build/debug/gradcli)
"""
import os, sys

sys.path.insert(0, os.path.dirname(__file__))
from pasted_cases import CASES  # noqa: E402
from program_runs import run_gradcli, run_torch  # noqa: E402

gradcli = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/gradcli"


def program(case):
    lines = ["import torch", "import torch.nn.functional as F", "torch.set_default_dtype(torch.float64)"]
    names = []
    for name, value in case.get("inputs", {}).items():
        if name in case.get("long", []):
            lines.append(f"{name} = torch.tensor({value!r})")
        elif name in case.get("bool", []) or isinstance(value, bool):
            lines.append(f"{name} = torch.tensor({value!r})")
        else:
            lines.append(f"{name} = torch.tensor({value!r}, requires_grad=True)")
            names.append(name)
    lines += ["try:", f"    r = {case['torch']}", "    print(r)",
              "    if isinstance(r, torch.Tensor) and r.requires_grad:",
              "        r.backward(torch.ones_like(r))"]
    lines += [f"        print({n}.grad)" for n in names]
    lines += ["except Exception as e:", "    print(type(e).__name__)"]
    return "\n".join(lines) + "\n"


differ = 0
for case in CASES:
    source = program(case)
    expected = run_torch(source)
    got = run_gradcli(gradcli, source)
    if got != expected:
        differ += 1
        print(f"--- {case['torch']}  {case.get('inputs', {})}")
        print("torch:  ", expected.strip().replace("\n", "\n         "))
        print("gradcli:", got.strip().replace("\n", "\n         "))
print(f"{differ} of {len(CASES)} programs differ", file=sys.stderr)
