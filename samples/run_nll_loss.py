# torch.nn.NLLLoss and F.nll_loss on log-probabilities: class weights, ignore_index, the three
# reductions, one sample [C], images [N, C, H, W] (NllLoss2DBackward0), and their gradients.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_nll_loss.py > samples/run_nll_loss.out
import torch
import torch.nn.functional as F

scores = torch.tensor([[1.0, -0.5, 0.2], [0.3, 0.8, -1.2], [-0.7, 0.1, 0.9], [2.0, -1.0, 0.0]], requires_grad=True)
logp = F.log_softmax(scores, dim=1)
target = torch.tensor([0, 2, 1, 2])
weight = torch.tensor([1.0, 2.0, 0.5])
losses = [torch.nn.NLLLoss(), torch.nn.NLLLoss(weight=weight), torch.nn.NLLLoss(ignore_index=2),
          torch.nn.NLLLoss(weight=weight, reduction='sum'), torch.nn.NLLLoss(reduction='none')]
for loss_fn in losses:
    print(loss_fn(logp, target))
print(F.nll_loss(logp, target, weight=weight, ignore_index=0))

loss = F.nll_loss(logp, target, weight=weight)
loss.backward()
print("scores.grad:", scores.grad)

x = torch.tensor([[0.1, 0.2], [0.3, 0.4]], dtype=torch.float64, requires_grad=True)
out = F.nll_loss(x, torch.tensor([1, 1]), reduction='none')
out.backward(torch.tensor([1.0, 3.0], dtype=torch.float64))
print(out, x.grad)
print("all ignored:", F.nll_loss(x, torch.tensor([1, 1]), ignore_index=1))
print("one sample:", F.nll_loss(torch.tensor([-0.2, -1.5, -3.0]), torch.tensor(1)))

image = torch.tensor([[[[-0.1, -2.0], [-1.0, -0.5]], [[-1.5, -0.3], [-0.2, -2.5]]]], requires_grad=True)
pixels = torch.tensor([[[0, 1], [1, 0]]])
image_loss = F.nll_loss(image, pixels, weight=torch.tensor([1.0, 3.0]))
image_loss.backward()
print(image_loss, image.grad)
