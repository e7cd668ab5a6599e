# The index ops refuse what PyTorch refuses, with its exception types and messages: an index
# that is not int64, a negative or too large position (only x[idx] counts from the end), a
# reduction over an empty lane; sort and topk take empty lanes, median() of nothing is nan.
# where and masked_fill refuse a condition that is not bool (the tensor stays as it was).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_index_errors.py > samples/run_index_errors.out
import torch
x = torch.arange(3.)
empty = torch.zeros(0, 2)
calls = [
    lambda: x.index_select(0, torch.tensor([0., 1.])),
    lambda: x.index_select(0, torch.tensor([True, False, True])),
    lambda: x.gather(0, torch.tensor([0., 1.])),
    lambda: x.take_along_dim(torch.tensor([0., 1.])),
    lambda: torch.zeros(3).index_add(0, torch.tensor([0., 1.]), torch.ones(2)),
    lambda: torch.zeros(3).scatter_add(0, torch.tensor([0., 1.]), torch.ones(2)),
    lambda: x.index_select(0, torch.tensor([5])),
    lambda: x.index_select(0, torch.tensor([-1])),
    lambda: torch.zeros(3).index_add(0, torch.tensor([-1]), torch.ones(1)),
    lambda: x.gather(0, torch.tensor([-1])),
    lambda: torch.zeros(3).scatter_add(0, torch.tensor([-1]), torch.ones(1)),
    lambda: x[torch.tensor([-1])],
    lambda: torch.tensor([]).argmax(),
    lambda: empty.argmin(dim=0),
    lambda: empty.max(dim=0),
    lambda: empty.median(dim=0),
    lambda: empty.kthvalue(1, dim=0),
    lambda: empty.topk(1, dim=0),
    lambda: empty.sort(dim=0).values,
    lambda: torch.tensor([]).median(),
    lambda: torch.cat([]),
]
for call in calls:
    try:
        print(call())
    except (RuntimeError, IndexError, ValueError) as e:
        print(type(e).__name__ + ":", e)
z = torch.zeros(3)
for call in [lambda: z.index_add_(0, torch.tensor([0., 1.]), torch.ones(2)),
             lambda: z.scatter_add_(0, torch.tensor([0., 1.]), torch.ones(2)),
             lambda: z.scatter_(0, torch.tensor([0., 1.]), torch.ones(2)),
             lambda: z.scatter(0, torch.tensor([True]), torch.ones(1)),
             lambda: torch.gather(z, 0, torch.tensor([True])),
             lambda: torch.take_along_dim(z, torch.tensor([1.]))]:
    try:
        print(call())
    except RuntimeError as e:
        print("RuntimeError:", e)
print(z)
m = torch.ones(2)
for c in [torch.tensor([1, 0]), torch.tensor([1., 0.]), torch.tensor([1., 0.], dtype=torch.float64)]:
    for f in [lambda: torch.where(c, m, m), lambda: m.masked_fill(c, 5.), lambda: m.where(c, m),
              lambda: m.masked_fill_(c, 5.), lambda: torch.where(c, m, 0.), lambda: torch.where(c)]:
        try:
            print(f())
        except RuntimeError as e:
            print("RuntimeError:", e)
print(m, torch.where(m > 0, m, 0.), m.masked_fill(m > 2, 0.))
