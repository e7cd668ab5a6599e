# A Jacobian of a function that updates a tensor in place after using it: the gradient follows
# the node each op saw when it was made (not the update's), and a saved tensor the update
# modified is PyTorch's error, as in a plain backward.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_jacobian_inplace.py > samples/run_jacobian_inplace.out
import torch
from torch.autograd.functional import jacobian

x = torch.tensor([1.0, 2.0])


def saved_result(x):
    y = x * 2
    z = y.exp()  # saves its result, not y
    y.mul_(3)
    return z


def through_add(x):
    y = x * 2
    z = y + 0
    y.mul_(3)
    return z.exp()


def saved_input(x):
    y = x * 2
    z = y * y  # saves y, which mul_ then modifies
    y.mul_(3)
    return z


print(jacobian(saved_result, x))
print(jacobian(through_add, x))
try:
    jacobian(saved_input, x)
except RuntimeError as e:
    print("RuntimeError:", str(e).split(",")[0])
