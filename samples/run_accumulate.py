# Gradients accumulate in .grad over backward calls until they are zeroed.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_accumulate.py > samples/run_accumulate.out
import torch

w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
print("before any backward:", w.grad)
y = (w * w).sum() + 2 * w[0]
for call in range(3):
    y.backward(retain_graph=True)
    print(f"after call {call + 1}:", w.grad)
w.grad.zero_()
print("zeroed:", w.grad)
y.backward(retain_graph=True)
print("after zeroing and one more call:", w.grad)

# a gradient vector for a non-scalar output (a vector-Jacobian product)
x = torch.ones(2, 3, requires_grad=True)
z = 3 * x ** 2
z.backward(torch.full((2, 3), 0.5))
print(x.grad)
z.backward(torch.ones_like(z), retain_graph=False) if False else None
print(z.grad_fn, z.requires_grad, x.is_leaf, z.is_leaf)
