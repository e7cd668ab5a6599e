# Losses rounded as PyTorch computes them: their sum or mean in PyTorch's order in float64 too,
# and binary_cross_entropy_with_logits composed as Loss.cpp composes it, its gradients in
# FunctionsManual.cpp's order (factor, times grad, times weight, divided by the count).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_loss_rounding.py > samples/run_loss_rounding.out
import torch
import torch.nn.functional as F
torch.manual_seed(9)
for n in (7, 100, 3000):
    a = torch.randn(n, dtype=torch.float64, requires_grad=True)
    b = torch.randn(n, dtype=torch.float64)
    print(F.mse_loss(a, b).item(), F.l1_loss(a, b, reduction='sum').item(), F.smooth_l1_loss(a, b).item(), F.huber_loss(a, b, delta=0.5).item())
    p = torch.rand(n, dtype=torch.float64) * 0.98 + 0.01
    t = torch.rand(n, dtype=torch.float64)
    print(F.binary_cross_entropy(p, t).item(), F.binary_cross_entropy_with_logits(a, t).item(), F.binary_cross_entropy_with_logits(a, t, reduction='sum').item())

for dtype in (torch.float64, torch.float32):
    a = torch.tensor([-1.0, -1.0, 2.0, 0.5, -3.0, 10.0, -20.0, 0.0], dtype=dtype, requires_grad=True)
    t = torch.tensor([0.0, -0.5, 2.0, 0.3, 1.0, 0.0, 1.0, 0.5], dtype=dtype, requires_grad=True)
    r = F.binary_cross_entropy_with_logits(a, t, reduction='none')
    print(r.tolist())
    r.backward(torch.linspace(-1, 2, 8, dtype=dtype))
    print(a.grad.tolist(), t.grad.tolist())
    x = torch.randn(37, dtype=dtype, requires_grad=True); y = torch.rand(37, dtype=dtype)
    pw = torch.rand(37, dtype=dtype) + 0.5; w = torch.rand(37, dtype=dtype)
    l = F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw)
    l.backward()
    print(l.item(), x.grad.tolist())
    x.grad = None
    F.binary_cross_entropy_with_logits(x, y).backward()
    print(x.grad.tolist())

# binary_cross_entropy's gradients: grad * (input - target) / max((1 - input) * input, 1e-12) and
# -logit(input) * grad, then times weight, then divided by the count (float32's target gradient
# takes MKL's log in PyTorch, so only float64's is printed)
for dtype in (torch.float64, torch.float32):
    p = torch.tensor([0.0, 1.0, 0.3, 0.999, 1e-9, 0.5], dtype=dtype, requires_grad=True)
    t = torch.tensor([1.0, 0.0, 0.25, 0.5, 0.0, 1.0], dtype=dtype, requires_grad=True)
    F.binary_cross_entropy(p, t).backward()
    q = (torch.rand(37, dtype=dtype) * 0.98 + 0.01).requires_grad_(True)
    y = torch.rand(37, dtype=dtype).requires_grad_(True)
    F.binary_cross_entropy(q, y, weight=torch.rand(37, dtype=dtype), reduction='sum').backward()
    print(p.grad.tolist(), q.grad.tolist())
    if dtype == torch.float64:
        print(t.grad.tolist(), y.grad.tolist())
