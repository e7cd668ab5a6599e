# torch.optim.Adam on a torch.nn.Linear under manual_seed, 200 steps.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_adam.py > samples/run_adam.out
import torch
torch.manual_seed(0)
model = torch.nn.Linear(3, 1)
x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 1.0, -1.0]])
y = torch.tensor([[1.0], [0.0], [2.0]])
opt = torch.optim.Adam(model.parameters(), lr=0.05)
for step in range(200):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    if step % 40 == 0:
        print(step, f"{loss.item():.6f}")
print(model.weight, model.bias)
