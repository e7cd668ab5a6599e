# Samples drawn from tensors that require grad record PyTorch's nodes (NormalBackward1-3,
# BernoulliBackward0) and pass a zero gradient to them; bernoulli with p= has no derivative.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_sampler_gradients.py > samples/run_sampler_gradients.out
# exit status: 1
# stderr ends with: RuntimeError: derivative for aten::bernoulli is not implemented
import torch

torch.manual_seed(0)
mu = torch.tensor([0.5, -1.0], requires_grad=True)
sd = torch.tensor([1.0, 2.0], requires_grad=True)
p = torch.tensor([0.3, 0.9], requires_grad=True)
a = torch.normal(mu, 1.0)
b = torch.normal(0.0, sd)
c = torch.normal(mu, sd)
d = torch.bernoulli(p)
print(a)
print(b)
print(c)
print(d)
print(c.grad_fn.next_functions[1][0].variable is sd)
loss = (a * mu + b + c + d * p).sum()
loss.backward()
print(mu.grad, sd.grad, p.grad)
e = torch.bernoulli(p, 0.5)
print(e, e.requires_grad)
e.sum().backward()
