# torch.optim.AdamW: PyTorch's single-tensor update (its default on the CPU), the decay
# p *= 1 - lr * weight_decay (default 0.01) before Adam's update; with betas, eps, maximize.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_adamw.py > samples/run_adamw.out
import torch
torch.manual_seed(0)
model = torch.nn.Linear(3, 2)
x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 1.0, -1.0], [2.0, 0.0, 1.0]])
y = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0], [1.0, 1.0]])
opt = torch.optim.AdamW(model.parameters(), lr=0.05)
for step in range(150):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    if step % 30 == 0:
        print(step, f"{loss.item():.6f}")
print(model.weight, model.bias)
w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
opt = torch.optim.AdamW([w], lr=0.1, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.5)
for step in range(20):
    opt.zero_grad()
    loss = ((w - torch.tensor([0.5, 0.5, 0.5])) ** 2).sum()
    loss.backward()
    opt.step()
print(w)
v = torch.tensor([0.0, 1.0], requires_grad=True)
opt = torch.optim.AdamW([v], lr=0.1, maximize=True, weight_decay=0)
for step in range(5):
    opt.zero_grad()
    (-(v - 2.0) ** 2).sum().backward()
    opt.step()
print(v)
opt = torch.optim.AdamW([v])
v.grad = torch.tensor([1.0, 1.0])
opt.step()
print(v)
