# torch.equal, torch.any/all and the x.any()/x.all() methods (with and without dim= and
# keepdim=), one-argument torch.where and torch.nonzero: bool and int64 results as PyTorch's.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_bool_reductions.py > samples/run_bool_reductions.out
import torch
a = torch.tensor([[1.0, 0.0, 2.0], [0.5, 3.0, float("nan")]], requires_grad=True)
print(torch.equal(a, a), torch.equal(a[0], torch.tensor([1.0, 0.0, 2.0])))
print(torch.equal(torch.tensor([1.0, 2.0]), torch.tensor([1, 2])), torch.equal(torch.tensor([1.0]), torch.tensor(1.0)))
print(torch.equal(torch.tensor([0.1], dtype=torch.float64), torch.tensor([0.1])), torch.tensor([0.0]).equal(torch.tensor([-0.0])))
print(torch.any(a), torch.all(a), a.any(), a.all())
print(a.any(dim=1), a.all(dim=0), a.all(1, True))
print(torch.any(a, dim=(0, 1), keepdim=True), a.all(dim=[0]), a.any(dim=()))
print(torch.zeros(0).any(), torch.zeros(0).all(), torch.zeros(2, 0).all(dim=1))
print(torch.tensor([3, 0, 5]).all(), torch.tensor([True, False]).any(), torch.tensor(2.5).all(dim=0))
print((a > 1).any().item(), bool(torch.all(a > -1)))
try:
    a.any(dim=2)
except IndexError as e:
    print("IndexError:", e)
try:
    a.all(dim=(0, 0))
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.where(a > 0.75))
print(torch.where(a))
rows, cols = torch.where(torch.tensor([[0, 1], [1, 1]]))
print(rows, cols, rows.dtype)
print(torch.where(torch.tensor(3.0)), torch.where(torch.zeros(2, 2)))
print(torch.where(a > 1, a, torch.zeros(2, 3)))
print(torch.nonzero(torch.tensor([[0, 1], [1, 1]])), torch.tensor([0.0, 2.0]).nonzero())
print(torch.nonzero(torch.tensor([0, 3, 4]), as_tuple=True))
