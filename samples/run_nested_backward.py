# A hook that runs a second backward pass, through nodes the outer pass is still using, while
# the outer pass runs: each pass keeps its own pending gradients.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_nested_backward.py > samples/run_nested_backward.out
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * x
z = y * 3


def inner_gradient(g):
    with torch.enable_grad():
        (gx,) = torch.autograd.grad((y * 5).sum(), x, retain_graph=True)
    print("inner", gx)
    return g


z.register_hook(inner_gradient)
w = (z * y).sum()
w.backward(retain_graph=True)
print("outer", x.grad)
x.grad = None
w.backward()
print("again", x.grad)
