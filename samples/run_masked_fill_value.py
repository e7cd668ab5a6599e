# masked_fill with a 0-d tensor value is PyTorch's MaskedFillBackward1: the value gets the sum of
# the gradient at the filled places (it got none); a number value is MaskedFillBackward0.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_masked_fill_value.py > samples/run_masked_fill_value.out
import torch
x = torch.arange(4.).requires_grad_()
v = torch.tensor(7., requires_grad=True)
y = x.masked_fill(x > 1, v)
print(y)
(y * torch.arange(4.)).sum().backward()
print(x.grad, v.grad)
z = x.masked_fill(x > 1, torch.tensor(5.))
print(z, z.grad_fn.name())
torch.manual_seed(0)
x = torch.randn(50, 40, requires_grad=True)
v = torch.tensor(0.3, requires_grad=True)
m = x > 0.1
y = x.masked_fill(m, v)
w = torch.randn(50, 40)
(y * w).sum().backward()
print(v.grad.item(), x.grad.sum().item())
y2 = x.masked_fill(torch.tensor([True, False] * 20), v * 2)
y2.pow(2).sum().backward()
print(v.grad.item())
print(torch.ones(2, dtype=torch.int64).masked_fill(torch.tensor([True, False]), 2.7))
try:
    x.masked_fill(m, torch.ones(2))
except RuntimeError as e:
    print(e)
