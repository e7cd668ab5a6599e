# torch.randint's overloads as PyTorch binds them: randint(high, size), randint(low, high, size),
# and with keywords (randint(2, size=(3,)) was refused), drawing PyTorch's stream after the seed;
# in-place methods take their keyword variants (x.add_(y, alpha=2) was refused); torch.tensor(t)
# copies t (PyTorch also warns on stderr).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_overloads.py > samples/run_overloads.out
import torch
torch.manual_seed(0)
print(torch.randint(2, size=(3,)))
print(torch.randint(0, 5, (4,)))
print(torch.randint(10, (2, 2)))
print(torch.randint(3, 10, size=(3,)))
print(torch.randint(high=4, size=(3,)))
print(torch.randint(low=1, high=4, size=(3,)))
x = torch.ones(2)
x.add_(torch.tensor([1., 2.]), alpha=2)
print(x)
x.sub_(torch.tensor([1., 1.]), alpha=0.5)
print(x)
x.div_(2, rounding_mode="floor")
print(x)
w = torch.ones(2, requires_grad=True)
h = w * 1
h.add_(w, alpha=3)
h.sum().backward()
print(h, w.grad)
x = torch.tensor([1.5, 2.], requires_grad=True)
y = torch.tensor(x)
print(y, y.requires_grad, y is x)
z = torch.tensor(x * 2, dtype=torch.float64, requires_grad=True)
print(z)
print(torch.tensor(torch.tensor(3)))
w = torch.tensor(x)
w[0] = 7.
print(x, w)
