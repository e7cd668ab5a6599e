# x.to(other) takes the other tensor's dtype (it kept x's), and kl_div's 'batchmean' divides by
# the batch size as a Python int, so a float32 loss stays float32 (it came out float64).
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_to_other_and_batchmean.py > samples/run_to_other_and_batchmean.out
import torch
x = torch.tensor([1.7, -1.2], requires_grad=True)
print(x.to(torch.tensor([1])))
print(x.to(torch.tensor([1.], dtype=torch.float64)))
print(x.to(torch.tensor([1.])) is x)
import torch.nn.functional as F
print(F.kl_div(torch.tensor([-1.,-2.]), torch.tensor([0.3,0.7]), reduction="batchmean"))
print(F.kl_div(torch.tensor([[-1.,-2.]]), torch.tensor([[0.3,0.7]]), reduction="batchmean"))
