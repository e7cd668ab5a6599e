# In-place ops keep their tensor's dtype (x += a float64 tensor leaves a float32 x float32) and
# refuse a result it cannot hold with PyTorch's message (an int64 tensor += 1.5); an integer
# add takes no fractional alpha; backward refuses a node whose saved output was modified in
# place (relu, 2 ** x, x ** y save their output in PyTorch).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_inplace_dtypes.py > samples/run_inplace_dtypes.out
import torch
x = torch.tensor([1., 2.])
x += torch.tensor([1., 2.], dtype=torch.float64)
print(x)
x.mul_(torch.tensor([3., 1.], dtype=torch.float64))
print(x)
w = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
h = torch.ones(2, requires_grad=True) * 1
h.mul_(w)
print(h)
h.sum().backward()
print(w.grad)
i = torch.tensor([1, 2])
def iadd():
    global i
    i += 1.5
for f in [iadd, lambda: i.add_(0.5), lambda: i.mul_(torch.tensor(2.)), lambda: i.exp_(), lambda: i.clamp_(min=2.5),
          lambda: torch.tensor([True, False]).add_(1), lambda: i.pow_(0.5)]:
    try:
        print(f())
    except RuntimeError as e:
        print("RuntimeError:", e)
print(i)
j = torch.tensor([1, 2, 3])
try:
    j[0] += 1.5
except RuntimeError as e:
    print("RuntimeError:", e)
print(j)
i += 2
print(i, i.dtype)
f = torch.ones(2)
f += 2
f *= torch.tensor([1, 2])
print(f, f.dtype)
a = torch.tensor([1, 2])
for f in [lambda: torch.add(a, a, alpha=0.5), lambda: torch.sub(a, a, alpha=1.5), lambda: torch.add(a, a, alpha=2), lambda: a.add(torch.tensor([1., 1.]), alpha=0.5)]:
    try:
        print(f())
    except RuntimeError as e:
        print("RuntimeError:", e)
for make in [lambda h: torch.relu(h), lambda h: 2 ** h, lambda h: h ** torch.tensor(2.), lambda h: h.exp(), lambda h: h.sigmoid(), lambda h: h.tanh(), lambda h: h.sqrt()]:
    x = torch.tensor([1., 2.], requires_grad=True)
    y = make(x * 1)
    y.mul_(3)
    try:
        y.sum().backward()
        print(x.grad)
    except RuntimeError as e:
        print(str(e)[:170])
