# A 0-d integer tensor indexes as its integer does (SelectBackward0; with index tensors after it,
# the last node is IndexBackward0), and a 0-d bool tensor adds a dimension of size 1 or 0.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_scalar_tensor_index.py > samples/run_scalar_tensor_index.out
import torch
x = torch.arange(6.).reshape(2, 3).requires_grad_()
print(x[torch.tensor(1)])
print(x[torch.tensor(1), torch.tensor([0, 2])])
print(x[torch.tensor(1), 2])
print(x[:, torch.tensor(2)])
print(x[torch.tensor(-1)])
print(x[torch.tensor(True)])
y = x[torch.tensor(1)]
y.sum().backward()
print(x.grad)
print(x[torch.tensor(False)])
print(x[0, torch.tensor(True)])
print(x[..., torch.tensor(0)])
z = torch.arange(4)[torch.tensor(2)]
print(z, z.dtype)
