# A leaf's gradients from many uses, summed in PyTorch's order and rounded to its dtype at each
# addition (float32 here): products, a power, exp and sin of one leaf, 29 scaled copies of its
# float64 cast, and 200 uses of its elements in a loop.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_leaf_sums.py > samples/run_leaf_sums.out
import torch
x = torch.tensor([0.1, 0.7, 1e-3, 3.3], requires_grad=True)
w = torch.tensor([0.3, 1.7, 2.9, 0.01], requires_grad=True)
y = x * 0.1 + x * 0.2 + (x * w) * 0.3 + x.sin() + w * x * 1.1 + x ** 2 + (x * 0.7).exp()
y.sum().backward()
print(x.grad.tolist(), w.grad.tolist())
z = x.double()
t = sum([z * (i * 0.1) for i in range(1, 30)]) + z.tanh() * 3
t.sum().backward()
print(x.grad.tolist())
x.grad = None
s = x[0] * 0
for i in range(200):
    s = s + x[i % 4] * (0.01 * i)
s.backward()
print(x.grad.tolist())
