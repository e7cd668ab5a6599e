# backward() without a gradient on a non-scalar output is PyTorch's X2 error.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_error_nonscalar.py > samples/run_error_nonscalar.out
# exit status: 1
# stderr ends with: RuntimeError: grad can be implicitly created only for scalar outputs
import torch

x = torch.ones(3, requires_grad=True)
y = x * 2
print(y)
y.backward()
