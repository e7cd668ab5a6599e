# Item assignment through slices (x[:, 0] = v, x[1, 1:3] = t, x[0:3:2, 2:] += 2): the region is
# written in place, recorded as CopySlices when the value requires grad, with PyTorch's errors.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_slice_assignment.py > samples/run_slice_assignment.out
import torch
t = torch.zeros(3, 4)
t[:, 0] = 1
t[1, 1:3] = torch.tensor([5.0, 6.0])
t[0:3:2, 2:] += 2
t[-1, ::2] = -1
t[1:2] = 9
t[5:] = 3
print(t)
i = torch.zeros(2, 3, dtype=torch.int64)
i[:, 1:] = 7.9
print(i)
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
y = x * 1.0
y[1:3] = x[:2] * 10
print(y, y.grad_fn)
y.sum().backward()
print(x.grad)
a = torch.arange(6.).reshape(2, 3).requires_grad_()
b = a.clone()
b[:, 1] = a[:, 0] ** 2
b[0, :] *= 3
(b * b).sum().backward()
print(b, a.grad)
w = torch.ones(2, 2, requires_grad=True)
try:
    w[:, 0] = 0
except RuntimeError as e:
    print("E", e)
try:
    t[:, 0] = torch.ones(2)
except RuntimeError as e:
    print("E", e)
try:
    t[::-1] = 0
except ValueError as e:
    print("V", e)
try:
    t[0, 0] = torch.ones(1, 2)
except RuntimeError as e:
    print("E", e)
try:
    t[0:2] = torch.ones(3, 4)
except RuntimeError as e:
    print("E", e)
