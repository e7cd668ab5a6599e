# masked_select, take and indexing read a boolean mask or integer positions as they are, whatever
# the values' dtype (a float32 input once had its mask cast to float32 and read as positions).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_masked_select.py > samples/run_masked_select.out
import torch
x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
m = torch.tensor([[1.0, 5.0], [3.0, -1.0]], requires_grad=True)
y = x.masked_select(x > 2)
print(y)
y.sum().backward()
print(x.grad)
z = torch.masked_select(m, torch.tensor([False, True]))
print(z)
(z * torch.tensor([1.0, 2.0])).sum().backward()
print(m.grad)
print(x[x > 2], x[torch.tensor([3, 0, 3])], torch.take(m, torch.tensor([3, 0])))
d = x.double()
print(d.masked_select(d > 1), torch.tensor([1, 2, 3]).masked_select(torch.tensor([True, False, True])))
print(x[torch.tensor([True, False, True, True])].sum().backward(), x.grad)
