# Loss objects and functional losses of torch.nn, and a small training loop.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_losses.py > samples/run_losses.out
import torch
import torch.nn.functional as F

prediction = torch.tensor([[0.5, 1.0], [2.0, -1.0]], requires_grad=True)
target = torch.tensor([[0.0, 1.0], [1.5, 0.0]])
for loss_fn in [torch.nn.MSELoss(), torch.nn.L1Loss(), torch.nn.MSELoss(reduction="sum")]:
    loss = loss_fn(prediction, target)
    loss.backward()
    print(loss_fn, loss, prediction.grad)
    prediction.grad.zero_()

logits = torch.tensor([[2.0, 0.0, 0.0]], requires_grad=True)
labels = torch.tensor([0])
ce = torch.nn.CrossEntropyLoss()(logits, labels)
ce.backward()
print(f"{ce.item():.4f}", logits.grad)
print(F.binary_cross_entropy_with_logits(torch.tensor([0.0, 0.0]), torch.tensor([1.0, 0.0])))

w = torch.tensor(0.0, requires_grad=True)
for step in range(4):
    loss = (w * 2 - 4) ** 2
    loss.backward()
    with torch.no_grad():
        w -= 0.125 * w.grad
    w.grad.zero_()
    print(f"step {step}: loss={loss.item():.4f} w={w.item():.4f}")
