# flatten over one dimension returns the tensor itself, as PyTorch's does (`x.flatten() is x` for
# a 1-D x), x.T is a PermuteBackward0 at every rank (on a 1-D leaf it returned the leaf), and
# x[...] an AliasBackward0 (it returned x).
# Expected output recorded once from PyTorch 2.13 (which also warns on stderr about x.T):
#   /work/.venv-torch/bin/python samples/run_flatten_and_T.py > samples/run_flatten_and_T.out
import torch
x = torch.ones(3, requires_grad=True)
print(x.T.grad_fn, x.flatten() is x, x.flatten().grad_fn)
y = x * 2
print(y.T.grad_fn, y.flatten() is y, y.flatten().grad_fn, y.T is y)
m = torch.ones(2, 3, requires_grad=True) * 1
print(m.flatten(1) is m, m.flatten(0, 0) is m, m.flatten().grad_fn)
s = torch.tensor(2., requires_grad=True)
print(s.flatten().grad_fn, s.T.grad_fn, s.flatten().shape)
x1 = torch.ones(3, requires_grad=True)
m = torch.ones(2, 3, requires_grad=True)
for y in [x1[...], m[...], m[..., :], m[:, ...], x1[:, ...], m[0, ...]]:
    print(y.grad_fn.name(), y.shape)
