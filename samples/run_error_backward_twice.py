# A second backward through a graph whose saved tensors were freed is PyTorch's X1 error.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_error_backward_twice.py > samples/run_error_backward_twice.out
# exit status: 1
# stderr ends with: RuntimeError: Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.
import torch

def model(t):
    return (t * t).sum()

x = torch.tensor([1.0, 2.0], requires_grad=True)
loss = model(x)
loss.backward()
print("first backward:", x.grad)
loss.backward()
print("never printed")
