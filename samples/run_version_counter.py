# PyTorch's version counter: an in-place update bumps `_version`; backward through a node that
# saved the tensor before the update is refused. Tensors a node did not save may change freely.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_version_counter.py > samples/run_version_counter.out
import torch


def attempt(label, step):
    try:
        step()
        print(label, "ok")
    except RuntimeError as e:
        print(label, "->", e)


def leaf_float32():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (w * w).sum()
    print("version before:", w._version)
    with torch.no_grad():
        w.mul_(2)
    print("version after:", w._version)
    loss.backward()


def leaf_float64():
    w = torch.tensor([0.5, -1.5, 2.0], dtype=torch.float64, requires_grad=True)
    loss = (w ** 3).sum()
    with torch.no_grad():
        w += 1
    loss.backward()


def non_leaf():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * 2
    y = h * h
    h.add_(1)
    print("h version:", h._version, h.grad_fn.name())
    y.sum().backward()


def saved_output():
    x = torch.tensor([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], dtype=torch.float64, requires_grad=True)
    e = (x * 2).exp()
    e.mul_(2)
    e.mul_(3)
    e.sum().backward()


def constant_factor():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = torch.ones(3)
    loss = (x * c).sum()
    c.add_(1)
    loss.backward()


def unsaved_factor():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = torch.ones(3)
    loss = (x * c).sum()
    with torch.no_grad():
        x.add_(1)
    loss.backward()
    print("x.grad:", x.grad)


def sum_saves_nothing():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    s = h.sum() + h.mean()
    h.sub_(1)
    s.backward()
    print("x.grad:", x.grad)


steps = [("leaf_float32", leaf_float32), ("leaf_float64", leaf_float64), ("non_leaf", non_leaf),
         ("saved_output", saved_output), ("constant_factor", constant_factor),
         ("unsaved_factor", unsaved_factor), ("sum_saves_nothing", sum_saves_nothing)]
for label, step in steps:
    attempt(label, step)
