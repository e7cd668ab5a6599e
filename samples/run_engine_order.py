# The order backward runs its nodes in, and so the order in which a gradient fed by several
# nodes adds their parts: of the nodes ready to run, the one made last goes first, as in
# PyTorch's engine. Three or more parts then round as PyTorch's do. kl_div's target gets three
# (xlogy's two inputs and the product with the input, which PyTorch's build makes first).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_engine_order.py > samples/run_engine_order.out
import torch
import torch.nn.functional as F
torch.manual_seed(7)
x = torch.randn(50, dtype=torch.float64, requires_grad=True)
u = torch.sin(x)
v = x * x
w = torch.exp(x * 0.3)
y = (v + u * 1.7) * w + u
y.backward(torch.linspace(-1, 2, 50, dtype=torch.float64))
print(x.grad[:10].tolist(), x.grad.sum().item())

a = torch.randn(20, requires_grad=True)
p = a.tanh()
q = a.sigmoid()
r = a * 3
(r * q + p * r - q * p).sum().backward()
print(a.grad.tolist())

for dtype in (torch.float64, torch.float32):
    i = torch.randn(37, dtype=dtype).requires_grad_(True)
    t = (torch.rand(37, dtype=dtype) * 3).requires_grad_(True)
    F.kl_div(i, t, reduction='none').backward(torch.linspace(-1, 2, 37, dtype=dtype))
    print(i.grad[:4].tolist(), t.grad.tolist())
    t.grad = None
    F.kl_div(i, t, reduction='batchmean').backward()
    print(t.grad[:8].tolist())
