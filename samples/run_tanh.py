# tanh as PyTorch computes it, bit for bit: float64 values across its saturation (1 - 2^-53 up to
# |x| ~ 19.06, where the correctly rounded result first is 1), small and middling values, float32,
# and the gradients through tanh_backward (grad * (1 - y * y), fused as PyTorch's build fuses it).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_tanh.py > samples/run_tanh.out
import torch
x = torch.linspace(18.6, 19.2, 25, dtype=torch.float64, requires_grad=True)
y = torch.tanh(x)
print(y.tolist())
print(torch.tanh(-x).tolist()[::6])
w = torch.linspace(-3, 3, 41, dtype=torch.float64, requires_grad=True)
t = torch.tanh(w * 1.37)
print(t.tolist())
(t * torch.arange(41)).sum().backward()
print(w.grad.tolist())
f = torch.linspace(-9, 9, 37, requires_grad=True)
u = torch.tanh(f)
print(u.tolist())
u.sum().backward()
print(f.grad.tolist())
print(torch.tanh(torch.tensor([0.0, -0.0, 1e-300, float('inf'), -float('inf'), float('nan')], dtype=torch.float64)).tolist())
