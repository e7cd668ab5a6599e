# grad_fn.next_functions lists what PyTorch's node lists: an edge per differentiable input, none
# for an index, mask or condition, none for a Python number where PyTorch's overload takes a
# Scalar (x ** 2, 1 - x, x.clamp(min=0)), (None, 0) where it takes a tensor (x * 2, x + 1).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_next_functions.py > samples/run_next_functions.out
import torch
import torch.nn.functional as F
x = torch.ones(2, 3, requires_grad=True)
t = torch.tensor([0, 2])
i = torch.tensor([1, 0])
for y in [x ** 2, x * 2, x + 1, 2 ** x, x / 2, 2 / x, x - 1, 1 - x, torch.normal(x, 1.), x.clamp(min=0),
          torch.where(x > 0, x, 0.), x.pow(2), torch.add(x, 1), x.masked_fill(x > 0, 1.), x.lerp(torch.zeros(3), 0.5),
          x.div(2, rounding_mode="floor"), x.fmod(2), x.remainder(2), x.xlogy(2), x.pow(torch.tensor(2.)),
          F.nll_loss(x, t), F.nll_loss(x, t, weight=torch.ones(3)),
          x[i], x[:, torch.tensor([2, 0])], x.index_select(0, i), x.gather(1, torch.tensor([[0], [1]])), x.scatter_add(0, torch.tensor([[0, 1, 0]]), torch.ones(1, 3)),
          x.index_add(0, i, torch.ones(2, 3)), F.mse_loss(x, torch.zeros(2, 3)), F.binary_cross_entropy(x.sigmoid(), torch.zeros(2, 3)),
          F.binary_cross_entropy(x.sigmoid(), torch.zeros(2, 3), weight=torch.ones(3)), x.copysign(2), x.clamp(0, 1),
          torch.hypot(x, torch.ones(3)), x.sum(), x.mean(dim=0), torch.cumsum(x, 0), x.sub(1, alpha=2), x.add(torch.ones(3), alpha=2),
          torch.lerp(x, torch.zeros(3), torch.ones(3)), x.addcmul(x, x, value=2),
          torch.scatter(x, 0, torch.tensor([[0, 1, 0]]), 5.), torch.scatter(x, 0, torch.tensor([[0, 1, 0]]), torch.ones(1, 3))]:
    print(y.grad_fn.name(), [None if n is None else n.name() for n, _ in y.grad_fn.next_functions])
