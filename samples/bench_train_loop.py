# The training loop scripts/bench_run.sh times: 10,000 steps of gradient descent on a
# 3-parameter model (w, b, c scalars requiring grad), a quadratic fitted to four points by a
# squared-error loss, the update under torch.no_grad() and the gradients zeroed each step.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/bench_train_loop.py > samples/bench_train_loop.out
import torch
xs = torch.tensor([-1.0, 0.0, 1.0, 2.0])
ys = torch.tensor([2.0, 1.0, 2.0, 5.0])
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
c = torch.tensor(0.0, requires_grad=True)
lr = 0.01
for step in range(10000):
    pred = w * xs * xs + b * xs + c
    loss = ((pred - ys) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        c -= lr * c.grad
    w.grad.zero_()
    b.grad.zero_()
    c.grad.zero_()
print(loss.item(), w.item(), b.item(), c.item())
print(loss)
