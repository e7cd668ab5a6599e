# index_select, gather, take_along_dim, index_add and scatter_add keep their input's dtype (a bool
# or int64 tensor stays one), refuse a source of another dtype with PyTorch's messages, and pass
# gradients back; float32 sums at a repeated index round after each add, as PyTorch's do.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_index_dtypes.py > samples/run_index_dtypes.out
import torch
idx = torch.tensor([1, 0])
print(torch.tensor([True, False, True]).gather(0, idx))
print(torch.tensor([1, 2, 3]).gather(0, idx))
print(torch.tensor([True, False]).take_along_dim(torch.tensor([1, 1, 0])))
print(torch.zeros(3, dtype=torch.int64).index_add(0, idx, torch.ones(2, dtype=torch.int64)))
print(torch.zeros(3, dtype=torch.int64).scatter_add(0, idx, torch.ones(2, dtype=torch.int64)))
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.index_select(0, torch.tensor([2, 2, 0]))
z = x.gather(0, torch.tensor([1, 1]))
s = torch.zeros(3).index_add(0, torch.tensor([0, 0]), x[:2] * 2)
t = torch.zeros(3).scatter_add(0, torch.tensor([2, 1]), x[1:] * 3)
(y.sum() + z.sum() + s.sum() + t.sum()).backward()
print(y, z, s, t)
print(x.grad)
try:
    torch.zeros(3).index_add(0, idx, torch.ones(2, dtype=torch.float64))
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    torch.zeros(3).scatter_add(0, idx, torch.ones(2, dtype=torch.int64))
except RuntimeError as e:
    print("RuntimeError:", e)
i3 = torch.tensor([0, 0, 0])
v = torch.tensor([1.0, 6e-8, 6e-8])
print(torch.zeros(1).index_add(0, i3, v).item(), torch.zeros(1).scatter_add(0, i3, v).item())
w = torch.zeros(1, requires_grad=True)
w.index_select(0, i3).backward(v)
w.gather(0, i3).backward(v)
print(w.grad.item())
