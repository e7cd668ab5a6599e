# Tensor hooks: `register_hook(fn)` calls fn with the tensor's gradient during backward; a
# returned tensor replaces the gradient, None keeps it. Hooks on a non-leaf run before its node
# (and before retain_grad keeps the gradient); a leaf's run on the sum of its incoming gradients.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_hooks.py > samples/run_hooks.out
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)


def report(name):
    def hook(g):
        print(name, g)
    return hook


x.register_hook(report("x"))
w.register_hook(lambda g: print("w", g))
y = x * w
y.retain_grad()
y.register_hook(lambda g: g * 2)
y.register_hook(report("y, doubled:"))
z = y.sum() + x.sum()
z.register_hook(report("z"))
z.backward()
print("grads:", x.grad, w.grad, y.grad)

a = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
handle = a.register_hook(lambda g: g + 100)
(a * a).backward()
print("a.grad with the hook:", a.grad)
handle.remove()
a.grad = None
(a * a).backward()
print("a.grad after remove():", a.grad)

clipped = torch.tensor([3.0, -4.0], requires_grad=True)
clipped.register_hook(lambda g: g.clamp(-1.0, 1.0))
(clipped ** 2).sum().backward()
print("clipped:", clipped.grad)

try:
    torch.ones(2).register_hook(lambda g: g)
except RuntimeError as e:
    print(e)

# torch.autograd.grad runs a leaf's hooks on its gradient, as backward does
lx = torch.tensor([1.0, 2.0], requires_grad=True)
lx.register_hook(lambda g: g * 10)
(lg,) = torch.autograd.grad((lx * lx).sum(), lx)
print(lg)
lh = lx * 3
lh.register_hook(lambda g: print("lh hook", g))
(lgh,) = torch.autograd.grad(lh.sum(), lx)
print(lgh)
