# The language's functions in a program: tuples and named tuples, overloads, composites,
# and the torch.linalg and torch.special namespaces.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_functions.py > samples/run_functions.out
import torch
import torch.nn.functional as F

x = torch.tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]], requires_grad=True)
y = torch.tensor([[0.0, 9.0, 1.0], [5.0, 1.0, 1.0]])
print(torch.max(x, 1))
values, indices = x.sort(dim=1, descending=True)
print(values, indices)
m = x.max(dim=0)
print(m[0], m.indices, len(m))
print(torch.max(x, y))
print(x.topk(2).indices)
print(torch.chunk(x, 3, dim=1))
print(torch.median(x, dim=1).values)
a = x[:, :2]
print(torch.linalg.det(a), torch.linalg.inv(a))
print(torch.special.expit(x))
k = torch.kron(a, a)
print(k.shape)
eigenvalues, eigenvectors = torch.linalg.eigh(a @ a.T)
print(eigenvalues)
s = torch.linalg.svd(a).S
print(s)
loss = values.sum() + k.sum() + s.sum() + torch.fliplr(x)[0, 0]
loss.backward()
print(x.grad)
print(F.layer_norm(x, (3,)))
print(torch.diag_embed(torch.tensor([1.0, 2.0])))
print(torch.matrix_exp(torch.tensor([[0.0, 1.0], [-1.0, 0.0]])))
print(torch.nanmedian(torch.tensor([1.0, float("nan"), 3.0, 2.0])))
p = torch.tensor([[0.0, 1.0], [2.0, 0.5], [1.0, 1.0]], requires_grad=True)
d = torch.cdist(p, p[:2])
print(d)
print(torch.tensordot(p, p, dims=([0, 1], [0, 1])), torch.tensordot(p, p.T, dims=1).shape)
print(torch.quantile(p, 0.25, dim=0), p.quantile(torch.tensor([0.5, 0.9])))
w = torch.ones(2, 2, 2)
print(F.bilinear(p, p, w))
print(torch.linalg.matrix_norm(p, "nuc"), torch.linalg.norm(p, 1), torch.norm(p, "fro"))
d.sum().backward()
print(p.grad)
print(torch.lerp(p, torch.zeros(3, 2), 0.7))
# a method passes the tensor as PyTorch's self, which is not always the first parameter
v = torch.tensor([-1.0, 2.0], requires_grad=True)
print(v.where(v > 0, 0), v.where(v > 0, torch.tensor(5.0)))
y = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
print(y.sum(dim=(0, 1)), y.mean((0, 1)))
print(torch.add(y, y, alpha=2), torch.div(y, 3, rounding_mode="floor"), y.sub(1, alpha=3))
print(y[None].shape, y[..., 0], y[:, None].shape, y[torch.tensor([1, 0])], y[y > 2])
print(y[torch.tensor([1, 1]), torch.tensor([0, 1])], y[..., None, 1].shape)
print(y.size(0), y.shape[1], y.ndim, y.numel(), y.view(y.shape[0], -1).shape)
(y[y > 2].sum() + y[torch.tensor([1, 1]), 0].sum() + y[..., 0].sum()).backward()
print(y.grad)
