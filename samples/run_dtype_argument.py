# dtype= of sum, mean, cumsum, softmax and log_softmax casts the input first: inside the op for
# the reductions (their node's next function is the leaf), as a recorded cast (ToCopyBackward0)
# for the softmaxes; the gradient reaches the input in its own dtype. An integer dtype on a
# result that would be recorded is PyTorch's error.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_dtype_argument.py > samples/run_dtype_argument.out
# exit status: 1
# stderr ends with: RuntimeError: Autograd not support dtype: Long
import torch
x = torch.tensor([1., 2, 3], requires_grad=True)
for y in [x.sum(dtype=torch.float64), x.mean(dtype=torch.float64), x.cumsum(0, dtype=torch.float64),
          torch.softmax(x, 0, dtype=torch.float64), torch.log_softmax(x, 0, dtype=torch.float64),
          x.sum(dtype=torch.float32), torch.sum(x, 0, True, dtype=torch.float64), torch.softmax(x, 0, dtype=torch.float32)]:
    print(y, y.dtype, [type(f[0]).__name__ for f in y.grad_fn.next_functions])
    x.grad = None
    (y * torch.arange(1., 1 + y.numel()).reshape(y.shape)).sum().backward()
    print(x.grad, x.grad.dtype)
print(torch.tensor([1, 2]).sum(dtype=torch.float32), torch.tensor([1.5, 2]).sum(dtype=torch.int64))
print(torch.tensor([1, 2]).mean(dtype=torch.float64), torch.tensor([True, True]).cumsum(0, dtype=torch.float32))
print(torch.tensor([1, 2]).softmax(0, dtype=torch.float64))
with torch.no_grad():
    print(x.sum(dtype=torch.int64), x.cumsum(0, dtype=torch.int64))
x.sum(dtype=torch.int64)
