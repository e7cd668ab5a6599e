# An in-place update gives a tensor a new node; what was computed from it before keeps its
# gradient path through the version it saw, as PyTorch's edges are fixed when they are made.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_inplace_edges.py > samples/run_inplace_edges.out
import torch

# z saw y before y.mul_(3): its gradient reaches x through y's first node only.
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y + 0
y.mul_(3)
z.sum().backward()
print("z then mul_:", x.grad)

# y.add_(y): the operand is the old version of y.
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.add_(y)
print(y)
y.sum().backward()
print("add_(y):", x.grad)

# Item assignment of a value computed from the same tensor.
x = torch.ones(3, requires_grad=True)
y = x * 2
y[0] += 1
y.sum().backward()
print("y[0] += 1:", x.grad)
x = torch.ones(3, requires_grad=True)
y = x * 2
y[0] = y[1] * 3
y.sum().backward()
print("y[0] = y[1] * 3:", x.grad, y.grad_fn.name())

# retain_grad() before an in-place op keeps the new version's gradient.
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
y.retain_grad()
y.mul_(3)
y.sum().backward()
print("retained:", y.grad, x.grad)

# A tensor that started requiring grad after a node was made gets nothing from that node.
w = torch.tensor([1.0, 2.0], requires_grad=True)
c = torch.tensor([3.0, 4.0])
p = w * c
c.requires_grad_()
p.sum().backward()
print("late requires_grad:", w.grad, c.grad)
a = torch.zeros(2)
a.copy_(w)
print(a.grad_fn.name())
