# Vector norms as PyTorch's kernel computes them (float32 accumulates in float32; p = 2 over the
# last dimension in 8 or 4 lanes, then the tail), and their gradients in FunctionsManual.cpp's
# norm_backward order, branch by branch. (p between 1 and 2 in float32 takes MKL's square root
# in PyTorch, so that case is printed for float64 only.)
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_norms.py > samples/run_norms.out
import torch
torch.manual_seed(13)
for dtype in (torch.float64, torch.float32):
    base = torch.randn(4, 6, dtype=dtype) * 2
    base[0, 1] = 0.0
    for p in (3, 0.5, -1, 1.5, 1, 2, float('inf'), 4):
        if p == 1.5 and dtype == torch.float32:
            continue
        for dim, keep in ((None, False), (1, False), (0, True)):
            x = base.clone().requires_grad_(True)
            n = torch.norm(x, p) if dim is None else torch.norm(x, p, dim=dim, keepdim=keep)
            n.backward(torch.ones_like(n) if n.dim() == 0 else torch.linspace(-1, 2, n.numel(), dtype=dtype).reshape(n.shape))
            print(p, dim, n.flatten()[:3].tolist(), x.grad.flatten().tolist())
    z = torch.zeros(3, dtype=dtype, requires_grad=True)
    torch.norm(z, 3).backward()
    print(z.grad.tolist())
    for n in (5, 37, 1003):
        v = torch.randn(n, dtype=dtype) * 3
        print(n, v.norm().item(), torch.linalg.vector_norm(v.reshape(1, n), dim=1).item(), v.norm(p=1).item(), v.norm(p=3).item())

# dimensions of size 1 do not count: a column's norm over its rows is a last-dimension one
for dtype in (torch.float32, torch.float64):
    x = torch.randn(37, 1, dtype=dtype) * 3
    y = torch.randn(3, 29, 1, dtype=dtype)
    print(torch.norm(x, dim=0).tolist(), torch.norm(y, dim=1).tolist(), torch.norm(y, dim=(1, 2)).tolist())
