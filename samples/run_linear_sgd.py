# torch.nn.Linear with PyTorch's default initialisation under manual_seed, trained by torch.optim.SGD
# (momentum, weight_decay), and seeded rand/randn.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_linear_sgd.py > samples/run_linear_sgd.out
import torch
torch.manual_seed(0)
model = torch.nn.Linear(3, 2)
print(model)
print(model.weight)
print(model.bias)
x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
y = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.01)
loss_fn = torch.nn.MSELoss()
for step in range(5):
    opt.zero_grad()
    out = model(x)
    loss = loss_fn(out, y)
    loss.backward()
    opt.step()
    print(step, f"{loss.item():.6f}", loss)
print(model.weight, model.bias)
print(out)
print(model(torch.ones(3)), list(model.parameters())[1])
torch.manual_seed(6)
print(torch.rand(2, 3), torch.randn(4), torch.randn(2, 2, requires_grad=True))
noise = 5 + torch.randn(20, 1)
print(noise.mean(), noise.shape)
