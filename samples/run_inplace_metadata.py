# In-place updates of a tensor's metadata: t_() and transpose_/squeeze_/unsqueeze_ (a new
# shape, the version counted, PyTorch's *Backward1 nodes), detach_() on leaves (and its error
# on a view), and x.data = other, which gives x other's storage, shape and dtype.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_inplace_metadata.py > samples/run_inplace_metadata.out
import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
w = torch.tensor([[1.0, -1.0], [0.5, 2.0], [3.0, 0.0]])
y = x * 2
y.t_()
print(y, y._version, y.shape)
(y * w).sum().backward()
print(x.grad)
z = (x * 1).unsqueeze(1)
z.transpose_(0, 2)
z.squeeze_()
print(z.grad_fn.name(), z.shape)
z.unsqueeze_(0)
print(z.grad_fn.name(), z.shape)
x.grad = None
(z * z).sum().backward()
print(x.grad)
q = (x * 1).view(1, 2, 1, 3)
q.squeeze_((0, 2))
print(q.grad_fn.name(), q.shape)
s = x * 1
s2 = s * s
s.t_()
try:
    s2.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
v = torch.tensor([1.0, 2.0])
v.t_()
print(v, v._version)
with torch.no_grad():
    x.t_()
print(x, x._version, x.is_leaf, x.grad.shape)
for bad in [lambda: x.t_(), lambda: torch.ones(2, 2, 2).t_(), lambda: torch.ones(3)[0].detach_()]:
    try:
        bad()
    except RuntimeError as e:
        print("RuntimeError:", e)
x.detach_()
print(x, x.requires_grad, x.is_leaf, x.grad is None)
torch.ones(2).detach().detach_()
a = torch.zeros(2)
b = torch.ones(2)
a.data = b
b.add_(1)
print(a, a._version, b._version)
a.mul_(3)
print(a, b, a._version, b._version)
p = torch.ones(2, requires_grad=True)
old = p.detach()
p.data = torch.tensor([5.0, 6.0, 7.0])
print(p, old, p.shape, p._version)
p.data = torch.tensor([1.0, 2.0], dtype=torch.float64)
print(p, p.dtype, p.requires_grad)
try:
    p.data = torch.tensor([1, 2])
except RuntimeError as e:
    print("RuntimeError:", e)
