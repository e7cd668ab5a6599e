# Optimizer options and PyTorch's float32 rounding of its updates: `p.add_(g, alpha=-lr)` is
# one rounding of p - lr * g, so the parameters match PyTorch's to the last bit.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_optim_options.py > samples/run_optim_options.out
import torch

p = torch.tensor([-2.0], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1)
(p * 13).sum().backward()
opt.step()
print("sgd:", p.item())

p = torch.tensor([1.0, -2.0, 3.0, 0.7, -0.3, 1.9, 2.2, -1.1, 0.05], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.1, nesterov=False, weight_decay=0.01)
for i in range(4):
    opt.zero_grad()
    loss = (p * p * p).sum() + p.sum()
    loss.backward()
    opt.step()
print("momentum:", p.tolist())

p = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
for i in range(3):
    opt.zero_grad()
    loss = (p * p * p).sum() + p.sum()
    loss.backward()
    opt.step()
print("nesterov:", p.tolist())

# maximize=True climbs the gradient.
p = torch.tensor([1.0, -2.0], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1, maximize=True)
(p * 3).sum().backward()
opt.step()
print("maximize:", p)
q = torch.tensor([1.0, -2.0], requires_grad=True)
opt = torch.optim.Adam([q], lr=0.1, maximize=True)
(q * 3).sum().backward()
opt.step()
print("adam maximize:", q)

# zero_grad(set_to_none=False) zeroes the grads in place instead of dropping them.
p = torch.tensor([1.0, -2.0], requires_grad=True)
opt = torch.optim.SGD([p], lr=0.1)
(p * 3).sum().backward()
g = p.grad
opt.zero_grad(set_to_none=False)
print("zeroed:", p.grad, g is p.grad)
opt.zero_grad()
print("none:", p.grad)
