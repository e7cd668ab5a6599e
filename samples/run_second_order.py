# Higher-order gradients: create_graph=True, torch.autograd.grad, a mixed partial, Jacobians.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_second_order.py > samples/run_second_order.out
import torch
from torch.autograd import grad

x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
dy, = grad(y, x, create_graph=True)
print("dy/dx =", dy)
d2y = grad(dy, x)
print("d2y/dx2 =", d2y)

a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(5.0, requires_grad=True)
f = a * a * b
fa = torch.autograd.grad(f, a, create_graph=True)[0]
fab = torch.autograd.grad(fa, b)[0]
print("df/da =", fa, "d2f/dadb =", fab)

v = torch.tensor([1.0, 2.0], requires_grad=True)
out = (v ** 2).sum()
out.backward(create_graph=True)
print(v.grad.data, v.grad.requires_grad)
g = v.grad.sum()
v.grad = None
g.backward()
print(v.grad)

def square(t):
    return t * t
print(torch.autograd.functional.jacobian(square, torch.tensor([1.0, 2.0, 3.0])))
