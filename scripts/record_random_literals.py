#!/usr/bin/env python3
"""Records PyTorch's random streams as literals for Tests/AutogradTests/RandomTests+Literals.swift.

Run with PyTorch 2.13 (CPU, x86-64, AVX2 or AVX-512 capability):
    /work/.venv-torch/bin/python scripts/record_random_literals.py > Tests/AutogradTests/RandomTests+Literals.swift
The tests never run this; they read the literals it printed.

Each entry maps a case name to PyTorch's output, recorded exactly:
- `f32` / `f64`: the IEEE bit patterns, in hex, space separated (float32 8 digits, float64 16);
- `int`: decimal integers.
Cases:
- rand/<seed>/<dtype>: torch.rand(40). For n <= 40, torch.rand(n) is the first n of these (this
  script asserts it for every n), so one row proves all 40 sizes.
- randn/<seed>/<dtype>/15: torch.randn(15); randn(n) for n < 16 is its prefix (asserted).
- randn/<seed>/<dtype>/<n> for 16 <= n <= 40: all n values (each size has its own tail).
- rand|randn/<seed>/<dtype>/<100|1000>/ends: the first 8 and last 8 values, and
  .../sum: the exact integer sum of all bit patterns, and .../wsum: sum of (i + 1) * bits[i]
  modulo 2^64. With every value of the small sizes recorded, the ends pin the layout and the
  sums change if any value changes (a changed value changes both unless the errors cancel in
  two independent weightings), so the file stays small without trusting a hash alone.
- the remaining named cases below, each with its snippet.
"""
import struct
import torch

assert torch.__version__.startswith("2.13"), torch.__version__
SEEDS = [0, 1, 6, 42, 2**31 - 1]
DTYPES = {"float32": torch.float32, "float64": torch.float64}
rows = []


def bits(t):
    t = t.reshape(-1)
    if t.dtype == torch.float32:
        return [struct.unpack("<I", struct.pack("<f", x))[0] for x in t.tolist()]
    return [struct.unpack("<Q", struct.pack("<d", x))[0] for x in t.tolist()]


def hexes(t):
    width = 8 if t.dtype == torch.float32 else 16
    return " ".join(format(b, "0%dx" % width) for b in bits(t))


def add(name, snippet, value):
    rows.append((name, snippet, value))


def draw(fn, seed, dtype, n):
    torch.manual_seed(seed)
    return getattr(torch, fn)(n, dtype=DTYPES[dtype])


for seed in SEEDS:
    for dtype in DTYPES:
        full = draw("rand", seed, dtype, 40)
        for n in range(1, 41):
            assert torch.equal(draw("rand", seed, dtype, n), full[:n])
        add(f"rand/{seed}/{dtype}", f"torch.manual_seed({seed}); torch.rand(40, dtype=torch.{dtype})", hexes(full))
        small = draw("randn", seed, dtype, 15)
        for n in range(1, 16):
            assert torch.equal(draw("randn", seed, dtype, n), small[:n])
        add(f"randn/{seed}/{dtype}/15", f"torch.manual_seed({seed}); torch.randn(15, dtype=torch.{dtype})", hexes(small))
        for n in range(16, 41):
            add(f"randn/{seed}/{dtype}/{n}", f"torch.manual_seed({seed}); torch.randn({n}, dtype=torch.{dtype})",
                hexes(draw("randn", seed, dtype, n)))
        for fn in ("rand", "randn"):
            for n in (100, 1000):
                t = draw(fn, seed, dtype, n)
                b = bits(t)
                snippet = f"torch.manual_seed({seed}); torch.{fn}({n}, dtype=torch.{dtype})"
                add(f"{fn}/{seed}/{dtype}/{n}/ends", snippet + " [:8] and [-8:]", hexes(torch.cat([t[:8], t[-8:]])))
                add(f"{fn}/{seed}/{dtype}/{n}/sum", snippet + ": sum of bit patterns", str(sum(b)))
                add(f"{fn}/{seed}/{dtype}/{n}/wsum", snippet + ": sum of (i+1)*bits[i] mod 2^64",
                    str(sum((i + 1) * x for i, x in enumerate(b)) % 2**64))


def case(name, snippet, make):
    torch.manual_seed(make[0])
    t = eval(make[1])
    value = " ".join(str(int(x)) for x in t.reshape(-1).tolist()) if not t.is_floating_point() else hexes(t)
    add(name, snippet, value)


for seed in SEEDS:
    case(f"randint/{seed}", f"torch.manual_seed({seed}); torch.randint(-5, 7, (40,))", (seed, "torch.randint(-5, 7, (40,))"))
    case(f"randint-wide/{seed}", f"torch.manual_seed({seed}); torch.randint(-3, 2**40, (12,))",
         (seed, "torch.randint(-3, 2**40, (12,))"))
    case(f"randint-2^28/{seed}", f"torch.manual_seed({seed}); torch.randint(0, 2**28, (6,))", (seed, "torch.randint(0, 2**28, (6,))"))
    case(f"randperm/{seed}", f"torch.manual_seed({seed}); torch.randperm(30)", (seed, "torch.randperm(30)"))
    torch.manual_seed(seed)
    perm = torch.randperm(1000).tolist()
    add(f"randperm1000/{seed}/ends", f"torch.manual_seed({seed}); torch.randperm(1000) [:8] and [-8:]",
        " ".join(str(x) for x in perm[:8] + perm[-8:]))
    add(f"randperm1000/{seed}/wsum", f"torch.manual_seed({seed}); torch.randperm(1000): sum of (i+1)*p[i]",
        str(sum((i + 1) * x for i, x in enumerate(perm))))

for dtype in DTYPES:
    torch.manual_seed(0)
    a = torch.randn(5, 3, dtype=DTYPES[dtype])
    b = torch.randn(3, dtype=DTYPES[dtype])
    add(f"cached/{dtype}", f"torch.manual_seed(0); torch.randn(5, 3, dtype=torch.{dtype}), then torch.randn(3, dtype=torch.{dtype})",
        hexes(torch.cat([a.reshape(-1), b])))
    for n in (7, 37):
        case(f"normal/{dtype}/{n}", f"torch.manual_seed(3); torch.normal(0.5, 0.3, ({n},), dtype=torch.{dtype})",
             (3, f"torch.normal(0.5, 0.3, ({n},), dtype=torch.{dtype})"))
        case(f"uniform/{dtype}/{n}", f"torch.manual_seed(3); torch.empty({n}, dtype=torch.{dtype}).uniform_(-0.3, 0.7)",
             (3, f"torch.empty({n}, dtype=torch.{dtype}).uniform_(-0.3, 0.7)"))
        case(f"normal_/{dtype}/{n}", f"torch.manual_seed(3); torch.empty({n}, dtype=torch.{dtype}).normal_(-1.5, 2.5)",
             (3, f"torch.empty({n}, dtype=torch.{dtype}).normal_(-1.5, 2.5)"))
    case(f"bernoulli/{dtype}", f"torch.manual_seed(5); torch.bernoulli(torch.full((40,), 0.37, dtype=torch.{dtype}))",
         (5, f"torch.bernoulli(torch.full((40,), 0.37, dtype=torch.{dtype}))"))
    case(f"bernoulli-p/{dtype}", f"torch.manual_seed(5); torch.bernoulli(torch.zeros(40, dtype=torch.{dtype}), p=0.37)",
         (5, f"torch.bernoulli(torch.zeros(40, dtype=torch.{dtype}), p=0.37)"))

print("// Generated by scripts/record_random_literals.py from PyTorch", torch.__version__,
      f"(capability {torch.backends.cpu.get_cpu_capability()}); do not edit.")
print("// Each entry: the case, the PyTorch snippet that produced it, and its output (see the script's")
print("// docstring for the encoding: hex bit patterns of float32/float64 values, or decimal integers).")
print()
print("enum RandomLiterals {")
print("    static let table: [String: String] = [")
for name, snippet, value in rows:
    print(f"        // {snippet}")
    print(f'        "{name}": "{value}",')
print("    ]")
print("}")
