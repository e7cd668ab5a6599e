# Backward through a product after one factor was updated in place is PyTorch's version-counter
# error, uncaught: a traceback on stderr, the output printed so far kept.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_error_modified_inplace.py > samples/run_error_modified_inplace.out
# exit status: 1
# stderr ends with: RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2, 2]], which is output 0 of Sub, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
import torch

w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
hidden = w + 1
out = hidden @ hidden
print("forward:", out)
hidden.sub_(0.5)
print("hidden version:", hidden._version)
out.sum().backward()
print("not reached")
