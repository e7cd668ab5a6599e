# nll_loss and cross_entropy with class indices refuse a target that is not int64, with PyTorch's
# message (a float target was read as indices); probabilities of the input's shape are floating.
# masked_select and take refuse a mask or index of another dtype.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_class_targets.py > samples/run_class_targets.out
import torch
import torch.nn.functional as F
x = torch.ones(2, 3)
for f in [lambda: F.cross_entropy(x, torch.tensor([0., 1.])), lambda: F.nll_loss(x, torch.tensor([0., 1.])), lambda: F.cross_entropy(x, torch.zeros(2, 3)), lambda: F.cross_entropy(x, torch.tensor([True, False]))]:
    try:
        print(f())
    except RuntimeError as e:
        print(e)
loss = torch.nn.CrossEntropyLoss()
try:
    print(loss(x, torch.tensor([0., 1.])))
except RuntimeError as e:
    print(e)
print(loss(x, torch.tensor([0, 1])), torch.nn.NLLLoss()(x, torch.tensor([0, 2])))

x4 = torch.arange(4.)
for f in [lambda: x4.masked_select((x4 > 1).float()), lambda: x4.take(torch.tensor([1.])), lambda: F.nll_loss(torch.ones(2, 3), torch.tensor([0, -1])), lambda: x4.masked_select(x4 > 1), lambda: x4.take(torch.tensor([True]))]:
    try:
        print(f())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, e)
