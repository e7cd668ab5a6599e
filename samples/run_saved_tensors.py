# An input modified in place after an op used it stops backward only where PyTorch's node saved
# it: reciprocal and tan save their output, where its condition, lerp its weight (and its ends
# for the weight's gradient), remainder and fmod nothing for a number divisor, erfinv its input.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_saved_tensors.py > samples/run_saved_tensors.out
import torch
for make in [lambda h: h.reciprocal(), lambda h: 1 / h, lambda h: h.tan(), lambda h: torch.where(h > 1, h, h * 2),
             lambda h: torch.lerp(h, torch.zeros(2), 0.3), lambda h: h % 0.5, lambda h: torch.fmod(h, 0.7), lambda h: (h * 0.5).erfinv(),
             lambda h: torch.lerp(h, torch.zeros(2), torch.tensor([0.2, 0.4], requires_grad=True)), lambda h: h % torch.tensor([0.5, 0.5], requires_grad=True)]:
    x = torch.tensor([0.7, 1.3], requires_grad=True)
    h = x * 1
    y = make(h)
    h.mul_(3)
    try:
        y.sum().backward()
        print(x.grad)
    except RuntimeError as e:
        print(str(e)[:150])
x = torch.tensor([0.7, 1.3], requires_grad=True)
y = (x * 0.5).erfinv()
y.mul_(2)
y.sum().backward()
print(x.grad)
