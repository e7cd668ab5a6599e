# How tensors and Python values print: every number mode, widths, nesting, summarisation,
# integers and bools, suffixes, and Python's reprs.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_printing.py > samples/run_printing.out
import torch

print(torch.tensor([1.0, 20.0, -300.0]))
print(torch.tensor([0.5, -1.25, 10.0]))
print(torch.tensor([0.0001, 1000.0]))
print(torch.tensor([1e-5, 1.0]))
print(torch.tensor(2.5e9))
print(torch.tensor([float("inf"), -float("inf"), float("nan"), 1.5]))
print(torch.tensor([[1, -20], [300, 4]]))
print(torch.tensor([True, False]))
print(torch.ones(2, 2, 2))
print(torch.zeros(2, 1, 2, 1))
print(torch.ones(2000))
print(torch.zeros(40, 50))
print(torch.tensor([]))
print("prefix", torch.eye(3), sep=" -> ")
x = torch.tensor([[2.0, 3.0]], requires_grad=True)
print(x, x * 2, (x * 2).sum(), sep="\n")
print([x.sum(), None, True], (x.sum(),), {"n": 1, "f": 0.25, "s": 'it\'s'})
print(1 / 3, 2.0, 1e20, 1e-7, -0.0, 10 // 3, -7 % 3, 2 ** 10, 7 / 2)
print(f"{3.14159:.2f}|{42:5d}|{'ab':>4}|{0.5:.1%}|{1234567:,}|{x.sum():.3f}")
print("{:08.3f} {} {!r}".format(3.5, "s", "s"), "%s=%.2e" % ("v", 12345.678))
