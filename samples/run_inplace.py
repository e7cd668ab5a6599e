# In-place updates: under no_grad, through .data and detach() (shared storage), item
# assignment that records CopySlices, .grad assignment, requires_grad_.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_inplace.py > samples/run_inplace.out
import torch

w = torch.tensor([1.0, 2.0], requires_grad=True)
loss = (w * 4).sum()
loss.backward()
with torch.no_grad():
    w -= 0.25 * w.grad
print(w, w.is_leaf, w.requires_grad)
w.data.add_(1)
print(w)
d = w.detach()
d.zero_()
print(w, d.requires_grad, d.grad_fn)

n = torch.zeros(2, 2)
print(n.requires_grad, n.grad_fn)
n[0, 1] = w[0] * 3 + 1
n[1] = torch.tensor([5.0, 6.0])
print(n)
print(n.grad_fn, n.requires_grad, n.is_leaf)
n.sum().backward()
print(w.grad)
w.grad = torch.zeros_like(w.grad)
print(w.grad)

k = torch.ones(3)
k.requires_grad_()
print(k)
m = k * 2
m.add_(1)
print(m)
m.sum().backward()
print(k.grad)
with torch.no_grad():
    k.mul_(4)
    q = k * 2
print(k, q.requires_grad)
