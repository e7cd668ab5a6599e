# An in-place update of a leaf that requires grad, outside no_grad, is PyTorch's X3 error.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_error_leaf_inplace.py > samples/run_error_leaf_inplace.out
# exit status: 1
# stderr ends with: RuntimeError: a leaf Variable that requires grad is being used in an in-place operation.
import torch

b = torch.zeros(2, requires_grad=True)
lr = 0.5
loss = ((b - 1) ** 2).sum()
loss.backward()
with torch.no_grad():
    b -= lr * b.grad
print("under no_grad:", b)
b -= lr * b.grad
