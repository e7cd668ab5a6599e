# The Python subset: functions with defaults and local scope, lambdas, loops, conditions,
# containers, unpacking, formatting, assert, try/except.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_python.py > samples/run_python.out
import torch
import torch.nn.functional as F
from torch.autograd import Variable as V

def scaled(t, factor=2, offset=0):
    local = t * factor
    return local + offset

total = 0
for i in range(10):
    if i % 2 == 0:
        continue
    elif i > 7:
        break
    total += i
#   a comment at column 0 inside the loop body does not end it
    total -= 0
print("total", total)

n = 0
while n < 3:
    n += 1
else:
    print("while ended at", n)

pairs = list(zip(["a", "b", "c"], [1, 2, 3]))
for index, (name, value) in enumerate(pairs, 1):
    print(index, name, value, end="; ")
print()
squares = [k * k for k in range(6) if k != 3]
print(squares, len(squares), sum(squares), min(squares), max(squares), sorted(squares, reverse=True)[:2])
first, *rest = [1, 2, 3]
print(first, rest, tuple(rest), isinstance(rest, list), abs(-3.5), round(1.23456, 3), str(12) + "!")

add = lambda p, q=10: p + q
print(add(1), add(1, q=2), scaled(torch.tensor(1.5)), scaled(torch.tensor(1.5), offset=1))
x = V(torch.tensor([1.0, -2.0]), requires_grad=True)
y = F.relu(x).sum() + torch.sigmoid(torch.tensor(0.0))
y.backward()
print(y, x.grad)

settings = {"lr": 0.5, "steps": 3}
settings["steps"] += 1
print(settings, settings.get("missing", "default"), "lr" in settings, list(settings.keys()))

try:
    torch.ones(2, requires_grad=True).sum().backward()
    raise ValueError("custom message")
except RuntimeError as e:
    print("runtime:", e)
except ValueError as e:
    print("value:", e)
assert total == 16, "total is wrong"
print("done")
