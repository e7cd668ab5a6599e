# What a leaf's .grad is: its own tensor, added to in place by later backward calls (as PyTorch's
# AccumulateGrad does), never a tensor shared with another leaf or with the program.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_grad_identity.py > samples/run_grad_identity.out
import torch

# `+` sends one gradient to both operands; each leaf still gets its own.
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
(a + b).backward(torch.ones(2))
a.grad.zero_()
print("a, b:", a.grad, b.grad)

# A later backward adds in place: a name for the old grad, and its .data, see the sum.
w = torch.tensor([1.0, 2.0], requires_grad=True)
(w * 2).sum().backward()
g = w.grad
gd = w.grad.data
(w * 3).sum().backward()
print("w:", g, gd, w.grad is g, g._version)

# The gradient passed to backward is copied, not kept.
v = torch.tensor([1.0, 1.0])
c = torch.tensor([1.0, 1.0], requires_grad=True)
c.backward(v)
v.add_(5)
print("c:", c.grad)

# A grad the program set is added into.
g0 = torch.tensor([1.0, 1.0])
w.grad = g0
(w * 3).sum().backward()
print("set:", g0, w.grad is g0)

# A retained grad is a copy first, then a new tensor for each sum.
d = torch.tensor(2.0, requires_grad=True)
e = d + 0
e.retain_grad()
(e * 3).backward(retain_graph=True)
e.grad.add_(1)
print("d, e:", d.grad, e.grad)
eg = e.grad
(e * 3).backward()
print("e:", eg, e.grad, e.grad is eg)

# float32: one backward's contributions are summed before they are added to the grad.
f = torch.tensor([0.1, 0.7], requires_grad=True)
f.grad = torch.tensor([1e8, 3.0])
(f * 3.3 + f * 1.1 + f * 0.2).sum().backward()
print("f:", f.grad.tolist())

# create_graph: the first gradient is a copy (CopyBackwards), a later one a recorded sum.
x = torch.tensor([1.0, 2.0], requires_grad=True)
(x * x).sum().backward(create_graph=True)
print("x:", x.grad)
(x * x).sum().backward(create_graph=True)
print("x:", x.grad)
r = torch.tensor(2.0, requires_grad=True)
s = r * r
s.retain_grad()
(s * s).backward(create_graph=True)
print("s:", s.grad)

# copy_ of a whole tensor records CopyBackwards: the old value's gradient is zero.
p = torch.tensor([1.0, 2.0], requires_grad=True)
q = torch.tensor([5.0, 6.0], requires_grad=True)
t = p * 1
t.copy_(q * 2)
print("t:", t)
t.sum().backward()
print("p, q:", p.grad, q.grad)
u = torch.zeros(2, 2)
u.copy_(q)
print("u:", u)
try:
    u.copy_(torch.ones(3))
except RuntimeError as err:
    print(err)

# backward(inputs=...) accumulates as a full backward does; an empty list is PyTorch's error.
m = torch.tensor([1.0, 2.0], requires_grad=True)
n = torch.tensor([3.0, 4.0], requires_grad=True)
(m + n).sum().backward(inputs=[m, n])
gm = m.grad
(m * n).sum().backward(inputs=[m])
print("inputs:", gm, m.grad is gm, n.grad)
try:
    (m * 2).sum().backward(inputs=[])
except RuntimeError as err:
    print(err)
print(m.device, repr(m.device))

# A grad the program sets must have the tensor's dtype, then its size.
for bad in [torch.ones(2, dtype=torch.float64), torch.ones(3), torch.ones(2, dtype=torch.int64)]:
    try:
        m.grad = bad
    except RuntimeError as err:
        print(err)
