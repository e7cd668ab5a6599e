# Gradients rounded as PyTorch's backward kernels round them: tanh's `grad * (1 - y * y)`
# with `1 - y * y` one fused multiply-add, in float32 and float64, and the node a gradient's
# own graph records (TanhBackwardBackward0) with its second derivative.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_backward_kernels.py > samples/run_backward_kernels.out
import torch
x = torch.tensor([3.0, -3.0, 6.0, 1.5], requires_grad=True)
y = torch.tanh(x)
y.backward(torch.tensor([0.7, 0.75, 2.5, 1.25]))
print(y.tolist())
print(x.grad.tolist())

x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
g, = torch.autograd.grad(torch.tanh(x).sum(), x, create_graph=True)
print(g.grad_fn.name(), g.tolist())
h, = torch.autograd.grad(g.sum(), x)
print(h.tolist())

w = torch.tensor([0.5, 2.0, -1.0], requires_grad=True)
gw, = torch.autograd.grad(torch.tanh(w * 1.5), w, grad_outputs=torch.tensor([1.0, 0.5, 2.0]), create_graph=True)
print(gw.grad_fn.name(), gw.tolist())
(gw * gw).sum().backward()
print(w.grad.tolist())

torch.manual_seed(1)
v = torch.randn(1000, dtype=torch.float64, requires_grad=True)
torch.tanh(v * 2).sum().backward()
print(v.grad[:5].tolist(), v.grad.sum().item())
