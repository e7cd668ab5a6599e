# torch.nn.Parameter (shares its tensor's storage) and torch.nn.Linear's weight and bias
# replaced by a Parameter or None (a plain tensor is PyTorch's TypeError), or through .data.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_parameters.py > samples/run_parameters.out
import torch
torch.manual_seed(0)
lin = torch.nn.Linear(2, 1)
print(lin.weight, lin.bias)
lin.weight = torch.nn.Parameter(torch.tensor([[0.5, -1.0]]))
print(lin.weight)
print(lin(torch.tensor([[1.0, 2.0]])))
print([p.shape for p in lin.parameters()])
try:
    lin.weight = torch.ones(1, 2)
except TypeError as e:
    print("TypeError:", e)
try:
    lin.bias = 3
except TypeError as e:
    print("TypeError:", e)
lin.bias = None
print(lin(torch.tensor([[1.0, 2.0]])), len(list(lin.parameters())))
lin.bias = torch.nn.Parameter(torch.tensor([0.25]))
print([name for name, _ in lin.named_parameters()])
lin.weight.data = torch.tensor([[2.0, 3.0]])
print(lin.weight, lin.weight.requires_grad, lin.weight.is_leaf)
src = torch.tensor([[1.0, 1.0]])
lin.weight.data = src
src.mul_(4)
print(lin.weight)
lin.weight.data = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
print(lin(torch.tensor([[3.0, 4.0]])))
out = lin(torch.tensor([[3.0, 4.0]])).sum()
out.backward()
print(lin.weight.grad, lin.bias.grad)
t = torch.tensor([1.0, 2.0])
p = torch.nn.Parameter(t)
print(p, p.is_leaf, p.requires_grad)
t.add_(1)
print(p, p._version)
q = torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False)
print(q)
print(torch.nn.Parameter())
try:
    torch.nn.Parameter(torch.tensor([1, 2]))
except RuntimeError as e:
    print("RuntimeError:", e)
lin.note = "hi"
print(lin.note, lin)
opt = torch.optim.SGD(lin.parameters(), lr=0.1)
opt.step()
print(lin.weight)
