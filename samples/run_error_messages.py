# PyTorch's wording of autograd errors, caught and printed: a gradient of the wrong shape, a
# differentiated tensor that does not require grad, requires_grad on a non-leaf or an integer
# tensor (three wordings), and a saved tensor modified in place through a slice.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_error_messages.py > samples/run_error_messages.out
import torch
def attempt(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__, str(e))
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
attempt(lambda: (x * 2).backward(torch.ones(2)))
attempt(lambda: (x * 2).sum().backward(torch.ones(1)))
attempt(lambda: torch.autograd.grad((x * 2).sum(), [torch.tensor([1.0])]))
attempt(lambda: (x * 2).requires_grad_(False))
attempt(lambda: torch.tensor([1, 2]).requires_grad_())
t = torch.tensor([1, 2])
def setrg():
    t.requires_grad = True
attempt(setrg)
attempt(lambda: torch.ones(2, dtype=torch.int64, requires_grad=True))
attempt(lambda: torch.tensor([1, 2], requires_grad=True))
y = x * 1
z = y * y
y[0] = 3.0
attempt(lambda: z.sum().backward())
# An argument list no overload takes is a TypeError, as Python's binding raises it.
try:
    x.var(unbiased=True, correction=1)
except TypeError:
    print("TypeError from var")
try:
    torch.normal(x, 1.0, size=(2,))
except TypeError:
    print("TypeError from normal")
