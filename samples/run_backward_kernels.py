# Gradients rounded as PyTorch's backward kernels round them: tanh's `grad * (1 - y * y)`
# with `1 - y * y` one fused multiply-add, in float32 and float64, and the node a gradient's
# own graph records (TanhBackwardBackward0) with its second derivative.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_backward_kernels.py > samples/run_backward_kernels.out
import torch
import torch.nn.functional as F
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

# The activations' own backward kernels (silu_backward, log_sigmoid_backward, elu_backward,
# softplus_backward, gelu_backward, mish_backward, hardswish_backward) and derivatives.yaml's
# erf and log10 formulas. 41 elements: special points first (in the vectorised body), 23 random
# ones, the special points again (in the scalar tail after the last whole chunk).
nan = float("nan")
inf = float("inf")
torch.manual_seed(5)
special = torch.tensor([0.0, -0.0, 3.0, -3.0, 30.0, -800.0, inf, -inf, nan], dtype=torch.float64)
base = torch.cat([special, torch.randn(23, dtype=torch.float64) * 3, special])
ops = [("silu", F.silu), ("logsigmoid", F.logsigmoid), ("elu", lambda t: F.elu(t, alpha=0.37)),
       ("selu", F.selu), ("celu", lambda t: F.celu(t, alpha=0.7)),
       ("softplus", lambda t: F.softplus(t, beta=2.0, threshold=3.0)), ("gelu", F.gelu),
       ("gelu_tanh", lambda t: F.gelu(t, approximate="tanh")), ("mish", F.mish), ("hardswish", F.hardswish),
       ("erf", torch.erf), ("log10", lambda t: torch.log10(t.abs() + 0.1))]
for dtype in (torch.float64, torch.float32):
    for name, f in ops:
        x = base.to(dtype).requires_grad_(True)
        d, = torch.autograd.grad(f(x), x, grad_outputs=torch.linspace(-1, 2, 41, dtype=dtype))
        print(dtype, name, d.tolist())

# With create_graph=True: the node of the gradient's graph, its derivative in the input and in
# the incoming gradient (silu and mish switch to their composed formulas there).
u = torch.tensor([-4.0, -1.3, -0.2, 0.0, 0.7, 2.5], dtype=torch.float64)
for dtype in (torch.float64, torch.float32):
    for name, f in ops[:-1] + [("log10", torch.log10)]:
        x = (u.abs() + 0.1 if name == "log10" else u).to(dtype).requires_grad_(True)
        gout = torch.linspace(-1, 2, 6, dtype=dtype).requires_grad_(True)
        d, = torch.autograd.grad(f(x), x, grad_outputs=gout, create_graph=True)
        dx, dg = torch.autograd.grad(d, [x, gout], grad_outputs=torch.linspace(0.5, -1.5, 6, dtype=dtype))
        print(dtype, name, d.grad_fn.name(), dx.tolist(), dg.tolist())
