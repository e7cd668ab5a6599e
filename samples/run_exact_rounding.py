# PyTorch's rounding, bit for bit: add/sub with alpha= (one fused multiply-add), addcmul and
# addcdiv (and their in-place forms), float64 and float32 sums in PyTorch's order, and Adam,
# whose update is built on lerp, addcmul and addcdiv. Every number but Adam's printed in full.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_exact_rounding.py > samples/run_exact_rounding.out
import torch
torch.manual_seed(3)
x = torch.randn(1003, dtype=torch.float64)
y = torch.randn(1003, dtype=torch.float64)
print(torch.add(x, y, alpha=0.3)[-4:].tolist())
print(torch.sub(x, y, alpha=0.3)[:4].tolist())
xf, yf = x.float(), y.float()
print(torch.add(xf, yf, alpha=0.3)[-4:].tolist(), xf.sub(yf, alpha=-1.7)[:3].tolist())

# addcmul and addcdiv: values, broadcasting, gradients and node names
a = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
b = torch.randn(3, dtype=torch.float64, requires_grad=True)
c = torch.rand(4, 1, dtype=torch.float64, requires_grad=True)
m = torch.addcmul(a, b, c, value=0.7)
d = torch.addcdiv(a, b, c + 0.5, value=-1.3)
print(m.grad_fn.name(), d.grad_fn.name())
print(m[1].tolist(), d[2].tolist())
(m.sum() + (d * d).sum()).backward()
print(a.grad[0].tolist(), b.grad.tolist(), c.grad.flatten().tolist())
v = torch.rand(7)
g = torch.randn(7)
v.mul_(0.999).addcmul_(g, g, value=0.001)
print(v.tolist())
v.addcdiv_(g, v + 1, value=-0.01)
print(v.tolist())
print(torch.addcmul(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6]), value=2))
try:
    torch.addcdiv(torch.tensor([1, 2]), torch.tensor([3, 4]), torch.tensor([5, 6]))
except RuntimeError as e:
    print(e)

# Sums in PyTorch's order (up to its parallel grain of 32768 elements)
for n in [10, 33, 1000, 5001, 32768]:
    s = torch.randn(n, dtype=torch.float64)
    print(n, s.sum().item(), s.mean().item(), s.float().sum().item())
t = torch.randn(300, 200, dtype=torch.float64)
print(t.sum(0)[:3].tolist(), t.sum(1)[:3].tolist(), t.mean(dim=0).sum().item())
w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
(w * torch.randn(5000, dtype=torch.float64)).sum().backward()
print(w.grad.item())

# Adam and AdamW, float32, 150 steps: their square roots are MKL's in PyTorch, within one ulp
# of gradcli's correctly rounded ones, so the parameters are printed to 5 decimals
p = torch.randn(50, requires_grad=True)
q = p.detach().clone().requires_grad_(True)
target = torch.randn(50)
adam = torch.optim.Adam([p], lr=0.01)
adamw = torch.optim.AdamW([q], lr=0.01, weight_decay=0.1)
for step in range(150):
    for param, opt in [(p, adam), (q, adamw)]:
        opt.zero_grad()
        loss = ((param * target - 1.0) ** 2).sum()
        loss.backward()
        opt.step()
print([round(v, 5) for v in p[:6].tolist()], [round(v, 5) for v in q[-6:].tolist()])
print(round(p.sum().item(), 4), round(q.sum().item(), 4), round(loss.item(), 4))

# var and std in float64: Welford's update over dimensions, two passes over everything
v = torch.randn(5, 40, dtype=torch.float64) * 3 + 1
print(torch.var(v, dim=1).tolist(), torch.std(v, dim=0)[:4].tolist())
print(torch.var(v).item(), torch.std(v, unbiased=False).item(), torch.var_mean(v, dim=0)[1][:3].tolist())

# their gradients in FunctionsManual.cpp's order: (2 / dof) * grad * (self - mean)
for dtype in (torch.float64, torch.float32):
    x = (torch.randn(4, 9, dtype=dtype) * 2).requires_grad_(True)
    torch.std(x).backward(); a = x.grad.clone(); x.grad = None
    torch.std(x, dim=1).backward(torch.linspace(-1, 2, 4, dtype=dtype)); b = x.grad.clone(); x.grad = None
    torch.var(x, dim=0, keepdim=True).backward(torch.linspace(-1, 2, 9, dtype=dtype).reshape(1, 9)); c = x.grad.clone()
    print(a[0].tolist(), b[1].tolist(), c[2].tolist())

# fill_ casts its number to the tensor's dtype, as PyTorch does
f = torch.zeros(3)
f.fill_(0.1)
i = torch.zeros(2, dtype=torch.long)
i.fill_(2.7)
print(f.tolist(), i.tolist(), torch.zeros(2, dtype=torch.bool).fill_(0.5).tolist())
