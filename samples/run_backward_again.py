# A second backward through a released graph: PyTorch refuses it only at a node that saved
# tensors for its gradient (mul, div, exp, relu...); sums, additions, views and casts save none
# and run again, adding to the gradient.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_backward_again.py > samples/run_backward_again.out
import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
w = torch.tensor([3.0, 4.0])
cases = {"sum": lambda: x.sum(), "x*2": lambda: (x*2).sum(), "x*w": lambda: (x*w).sum(), "x/2": lambda: (x/2).sum(),
 "exp": lambda: x.exp().sum(), "x+1": lambda: (x+1).sum(), "x.T": lambda: x.reshape(2,1).t().sum(), "x*x": lambda: (x*x).sum(),
 "w/x": lambda: (w/x).sum(), "pow2": lambda: (x**2).sum(), "mean": lambda: x.mean(), "cat": lambda: torch.cat([x,x]).sum(),
 "x[0]": lambda: x[0]*1, "relu": lambda: x.relu().sum(), "neg": lambda: (-x).sum(), "abs": lambda: x.abs().sum(), "x.double()": lambda: x.double().sum(),
 "expand": lambda: x.expand(3,2).sum(), "2*x": lambda: (2*x).sum(), "x*w2": lambda: (x*torch.tensor(2.)).sum(), "clone": lambda: x.clone().sum(),
 "x-1": lambda: (x-1).mean(), "x+x": lambda: (x+x).sum(), "sum+1": lambda: x.sum() + 1, "tanh": lambda: x.tanh().sum(), "x[0]+0": lambda: x[0] + 0}
for k, f in cases.items():
    x.grad = None
    y = f()
    y.backward()
    try:
        y.backward()
        print(k, "ok", x.grad.tolist())
    except RuntimeError as e:
        print(k, "ERR", str(e)[:30])
