# zero_() and fill_() on tensors that require grad record PyTorch's nodes (ZeroBackward0,
# FillBackward2 for a number, FillBackward3 for a tensor), one version each; the filled tensor
# passes no gradient on, a value tensor receives the sum.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_fill.py > samples/run_fill.out
import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = x.clone(); z.zero_(); print(z, z._version)
w = x * 1; w.fill_(2.0); print(w, w._version)
v = x * 1; v.fill_(torch.tensor(5.0)); print(v, v._version)
s = torch.tensor(5.0, requires_grad=True)
u = x * 1; u.fill_(s); print(u)
q = torch.zeros(3); q.fill_(s); print(q, q._version)
(z + w + v + 2 * u + q).sum().backward(); print(x.grad, s.grad)
with torch.no_grad():
    r = x * 1
    r.fill_(7); print(r)
i = torch.tensor([1, 2]); i.fill_(2.7); print(i)
h = torch.tensor([1.5, 2.5], dtype=torch.float64); h.zero_(); print(h)
# A number is an argument of the node, not an edge: one next function; a tensor value is one.
y = (x * 1).fill_(1.5)
print(y, len(y.grad_fn.next_functions))
z = (x * 1).fill_(torch.tensor(2.))
print(z, len(z.grad_fn.next_functions))
