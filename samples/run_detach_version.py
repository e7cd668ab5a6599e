# detach() shares the version counter with its source (an in-place update of the detached tensor
# invalidates what backward saved); .data does not.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_detach_version.py > samples/run_detach_version.out
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1
z = (y * y).sum()
d = y.detach()
d.add_(1)
print(y, y._version, d._version)
try:
    z.backward()
except RuntimeError as e:
    print("RuntimeError:", e)

w = torch.tensor([3.0], requires_grad=True)
q = (w ** 2).sum()
w.data.mul_(2)
q.backward()
print(w.grad, w._version)

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a.exp()
b.detach().zero_()
try:
    b.sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
