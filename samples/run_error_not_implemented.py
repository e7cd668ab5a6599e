# floor division records a node PyTorch has no derivative for: its result requires grad, its
# grad_fn is NotImplemented, values flow as usual, and a backward pass that reaches it is an error.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_error_not_implemented.py > samples/run_error_not_implemented.out
# exit status: 1
# stderr ends with: RuntimeError: derivative for aten::floor_divide is not implemented
import torch

x = torch.tensor([1.0, 2.0, 3.0, -2.5], requires_grad=True)
y = x // 1.5
print(y)
print(y.requires_grad, type(y.grad_fn).__name__)
print(torch.floor_divide(x, 2).grad_fn.name())
with torch.no_grad():
    print((x // 2).requires_grad)
n = torch.tensor([7, -7]) // 2
print(n, n.requires_grad)
(x * 2).sum().backward()
print(x.grad)
(y + x).sum().backward()
print("not reached")
