# x.new_zeros/new_ones/new_full/new_tensor (x's dtype unless dtype= is given) and
# torch.full_like. (torch.empty, empty_like and new_empty are refused: their elements are
# uninitialised memory in PyTorch.)
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_new_factories.py > samples/run_new_factories.out
import torch
a = torch.tensor([[1.0, 0.0], [2.0, 3.0]], requires_grad=True)
i = torch.tensor([1, 2])
d = torch.tensor([1.0], dtype=torch.float64)
print(a.new_zeros(3), a.new_zeros((2, 3)), a.new_zeros([2]), a.new_zeros(2, 1), a.new_zeros(a.shape), a.new_zeros(()))
print(a.new_zeros(3).requires_grad, a.new_zeros(3, dtype=torch.int64), a.new_ones(2, requires_grad=True))
print(i.new_ones(3), d.new_ones(2), a.new_ones(1, 2, dtype=torch.float64).dtype)
print(a.new_full((2,), 7), i.new_full((2,), 7.9), i.new_full((2,), -7.9), a.new_full((2,), True))
print(d.new_full([1], 0.1), a.new_full((2,), fill_value=3, dtype=torch.bool), i.new_full((1,), 16777217))
print(a.new_tensor([1, 2]), i.new_tensor([1.5, -2.5]), d.new_tensor([0.1]), a.new_tensor(3), a.new_tensor([True, False]))
print(a.new_tensor([[1, 2], [3, 4]], dtype=torch.int64), a.new_tensor([1.0], requires_grad=True), a.new_tensor([16777217]))
print(a.new_tensor(torch.tensor([4, 5])))
print(torch.full_like(a, 3), torch.full_like(i, 2.7), torch.full_like(i, -2.7), torch.full_like(i, True))
print(torch.full_like(a, 2, dtype=torch.int64), torch.full_like(a, 1.5, requires_grad=True), torch.full_like(d, 0.1))
print(torch.full_like(a, fill_value=4), torch.full_like(i, 2 ** 40), torch.full_like(a, 16777217), torch.full_like(torch.tensor([True]), 5))
for bad in [lambda: a.new_zeros(-1), lambda: a.new_zeros(2.5), lambda: a.new_full(2, 1.0), lambda: a.new_full((2,))]:
    try:
        bad()
    except (RuntimeError, TypeError) as e:
        print(type(e).__name__, e)
