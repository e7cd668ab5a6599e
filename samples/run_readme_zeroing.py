# The README example of "Running PyTorch programs" (why gradients are zeroed).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_readme_zeroing.py > samples/run_readme_zeroing.out
import torch

w = torch.tensor([1.0], requires_grad=True)
x = torch.tensor([1.0, 2.0])
y = torch.tensor([2.0, 4.0])
for step in range(3):
    loss = ((w * x - y) ** 2).mean()
    loss.backward()
    print(f"step {step}: loss={loss.item():.4f} grad={w.grad}")
    with torch.no_grad():
        w -= 0.25 * w.grad
    w.grad.zero_()   # without this line the gradients of all steps add up
print(w)
