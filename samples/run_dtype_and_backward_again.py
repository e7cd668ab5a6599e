# Review fixes, against PyTorch: cumsum(dtype=)'s gradient computed in the input's dtype,
# dtype=torch.bool on sum, PyTorch's errors for mean and cumsum with dtypes they refuse, which
# nodes a second backward may run through again (CopySlices and var_mean refuse; zero_, normal,
# cumsum, floor, sign, diag run), and requires_grad on a non-leaf.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_dtype_and_backward_again.py > samples/run_dtype_and_backward_again.out
import torch
x = torch.tensor([1e8, 1., 1.], dtype=torch.float64, requires_grad=True)
x.cumsum(0, dtype=torch.float32).backward(torch.tensor([1., 1., 1e8]))
print(x.grad.tolist())
print(torch.tensor([1., 2]).sum(dtype=torch.bool), torch.tensor([True, False]).sum(dtype=torch.bool))
def attempt(f):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, str(e))
attempt(lambda: torch.tensor([0, 2]).cumsum(0, dtype=torch.bool))
w = torch.tensor([1.0, 2.0], requires_grad=True)
attempt(lambda: w.mean(dtype=torch.int64))
with torch.no_grad():
    attempt(lambda: w.mean(dtype=torch.int64))
def twice(make):
    w.grad = None
    y = make()
    y.backward()
    try:
        y.backward()
        print("ok", w.grad)
    except RuntimeError as e:
        print("ERR")
def cs():
    y = w.clone()
    y[0] = 5.
    return y.sum()
twice(cs)
twice(lambda: torch.var_mean(w)[1])
twice(lambda: (w.clone().zero_() + w).sum())
twice(lambda: torch.normal(w, 1.0).sum() + w.sum())
twice(lambda: w.cumsum(0).sum())
twice(lambda: w.floor().sum() + w.sum())
twice(lambda: w.sign().sum() + w.sum())
twice(lambda: torch.diag(w).sum())
def rg():
    y = w * 2
    y.requires_grad = False
attempt(rg)
attempt(lambda: (w * 2).requires_grad_(False))
