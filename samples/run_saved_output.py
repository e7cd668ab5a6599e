# Two PyTorch details a program can observe: an op that saves its output (exp, sigmoid,
# sqrt) sees a write made through `.data`, since its saved output is that storage; and
# nn.Linear's default initialisation, uniform_(-bound, bound), rounds x * (to - from) + from once.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_saved_output.py > samples/run_saved_output.out
import torch

for name, f in [("exp", torch.exp), ("sigmoid", torch.sigmoid), ("sqrt", torch.sqrt)]:
    q = torch.tensor([0.5, 2.0], requires_grad=True)
    r = f(q)
    r.data.mul_(2)
    r.sum().backward()
    print(name, q.grad.tolist())

torch.manual_seed(0)
layer = torch.nn.Linear(3, 2)
print(layer.weight.tolist())
print(layer.bias.tolist())
wide = torch.nn.Linear(7, 3, bias=False)
print(wide.weight.tolist()[0])
