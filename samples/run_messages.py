# PyTorch's messages for an unused input of autograd.grad, a float64 input to a float32
# nn.Linear, a class target out of range (an IndexError), mixed-dtype matrix products, and a
# binary_cross_entropy target outside [0, 1] (it gave a loss).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_messages.py > samples/run_messages.out
import torch
import torch.nn.functional as F
x = torch.ones(2, requires_grad=True)
y = torch.ones(2, requires_grad=True)
for f in [lambda: torch.autograd.grad((x * 2).sum(), [x, y]),
          lambda: torch.nn.Linear(2, 3)(torch.ones(1, 2, dtype=torch.float64)),
          lambda: F.nll_loss(torch.ones(2, 3), torch.tensor([0, 3])),
          lambda: F.cross_entropy(torch.ones(2, 3), torch.tensor([0, 3])),
          lambda: torch.ones(2, 3) @ torch.ones(3, 2, dtype=torch.float64),
          lambda: torch.mm(torch.ones(2, 3), torch.ones(3, 2, dtype=torch.float64))]:
    try:
        print(f())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)

for t in [torch.tensor([2.]), torch.tensor([-0.5]), torch.tensor([float("nan")])]:
    try:
        print(F.binary_cross_entropy(torch.tensor([0.5]), t))
    except RuntimeError as e:
        print(e)
try:
    print(F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.])))
except RuntimeError as e:
    print(e)
