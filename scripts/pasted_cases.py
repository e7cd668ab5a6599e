"""The pasted PyTorch one-liners of samples/pasted.jsonl (see gen_pasted.py).

Each case is PyTorch code exactly as it would be pasted into gradcli, with its inputs. Float
inputs are float64 leaves that require grad; names in `long` are int64 tensors (indices).
A case with `refuse` expects gradcli to refuse it (exit 65) with a message containing that text.
"""

X = [[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]          # 2x3, distinct values
V = [0.3, -1.2, 2.0, 0.7]                          # 4
W = [1.5, 0.25, -0.5, 2.0]                         # 4
Y = [[0.2, 1.0, -0.7], [2.5, -0.3, 0.9]]          # 2x3
A = [[2.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 4.0]]   # 3x3 SPD
B = [[1.0, 2.0], [3.0, 4.0], [-1.0, 0.5]]          # 3x2
T3 = [[[1.0, 2.0], [3.0, -1.0]], [[0.5, -2.5], [1.5, 2.0]]]  # 2x2x2
P = [0.2, 0.9, 0.5, 0.35]                          # probabilities in (0, 1)

CASES = []


def c(expr, refuse=None, long=(), **inputs):
    case = {"torch": expr, "inputs": inputs}
    if long:
        case["long"] = list(long)
    if refuse is not None:
        case["refuse"] = refuse
    CASES.append(case)


# --- the silent wrong answers of issue 10 ---------------------------------------------------
c("x.max(dim=1)[0].sum()", x=X)
c("x.max(dim=1).values.sum()", x=X)
c("x.max(dim=1)[1]", x=X)
c("x.max(dim=1).indices", x=X)
c("x.min(dim=0)[0].sum()", x=X)
c("x.min(dim=0).values", x=X)
c("x.min(0)[1]", x=X)
c("torch.max(x, 1)[0]", x=X)
c("torch.max(x, dim=1, keepdim=True)[0]", x=X)
c("torch.max(x, y)", x=X, y=Y)
c("torch.min(x, y)", x=X, y=Y)
c("x.max(y)", x=X, y=Y)
c("x.min(y).sum()", x=X, y=Y)
c("torch.max(x)", x=X)
c("x.max()", x=X)
c("x.where(x > 0, 0)", x=[-1.0, 2.0])
c("x.where(x > 0, y)", x=X, y=Y)
c("torch.where(x > 0, x, y)", x=X, y=Y)
c("torch.where(x > 0, x, 0.0)", x=X)
c("x.sum(dim=1, keepdim=True)", x=X)
c("x.sum(dim=(0, 1))", x=X)
c("x.mean(dim=(0, 1))", x=X)
c("x.sum((0, 1))", x=X)
c("x.mean(dim=(-1,), keepdim=True)", x=X)
c("torch.add(x, y, alpha=2)", x=X, y=Y)
c("x.add(y, alpha=-0.5)", x=X, y=Y)
c("torch.sub(x, y, alpha=3)", x=X, y=Y)
c("x.sub(y, alpha=0.5)", x=X, y=Y)
c("torch.div(x, y)", x=X, y=Y)
c("torch.div(x, y, rounding_mode='floor')", x=X, y=Y)
c("torch.div(x, y, rounding_mode='trunc')", x=X, y=Y)
c("x.div(2.0)", x=X)
c("x.mul(y)", x=X, y=Y)
c("x.pow(2).sum()", x=X)
c("torch.pow(2.0, x)", x=X)
c("x.clamp(min=-1.0, max=2.0)", x=X)
c("x.clamp(-1.0, 2.0)", x=X)
c("torch.clamp(x, max=1.0)", x=X)
# --- Python literals and indexing ----------------------------------------------------------
c("x.sum(dim=0, keepdim=False)", x=X)
c("x.softmax(dim=-1)", x=X)
c("x[None]", x=V)
c("x[None].sum()", x=V)
c("x[:, None]", x=V)
c("x[..., 0]", x=X)
c("x[..., -1]", x=T3)
c("x[0, ...]", x=T3)
c("x[None, :, None]", x=V)
c("x[1]", x=X)
c("x[2, :]", x=A)
c("x[:, 1]", x=X)
c("x[1:3]", x=V)
c("x[::2]", x=V)
c("x[-1]", x=V)
c("x[idx]", long=["idx"], x=V, idx=[0, 2, 2])
c("x[idx]", long=["idx"], x=X, idx=[1, 0])
c("x[x > 0]", x=X)
c("x[x > 0].sum()", x=X)
c("x[m > 0]", x=V, m=[1.0, -1.0, 2.0, 0.5])
c("x[::-1]", refuse="step must be greater than zero", x=V)
c("x[5]", refuse="index 5 is out of bounds for dimension 0 with size 4", x=V)
c("x[m > 0]", refuse="The shape of the mask [2] at index 0 does not match the shape of the indexed tensor [4] at index 0", x=V, m=[1.0, -1.0])
# --- attributes ----------------------------------------------------------------------------
c("x.view(x.shape[0], -1)", x=T3)
c("x.reshape(x.size(0), -1)", x=T3)
c("x.view(-1, x.shape[-1])", x=T3)
c("x.sum(dim=x.dim() - 1)", x=X)
c("x.sum(dim=x.ndim - 1)", x=X)
c("x * x.numel()", x=X)
c("x / x.shape[1]", x=X)
c("x.T", x=X)
c("x.T @ y", x=X, y=Y)
c("x.mT", x=T3)
c("x.clone()", x=X)
c("x.contiguous()", x=X)
c("x.view_as(y)", x=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], y=Y)
c("x.expand_as(y)", x=[1.0, -2.0, 0.5], y=Y)
c("x.reshape_as(y)", x=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], y=Y)
c("x.t()", x=X)
c("x.flatten()", x=T3)
c("x.unsqueeze(0)", x=V)
c("x.squeeze()", x=[[1.0], [2.0]])
c("x.permute(2, 0, 1)", x=T3)
c("x.transpose(0, 1)", x=X)
c("x.exp().log()", x=X)
c("x.abs().sqrt()", x=X)
# --- tuple-returning ops -------------------------------------------------------------------
c("x.sort()[0]", x=V)
c("x.sort(descending=True).values", x=V)
c("x.sort(dim=1)[0]", x=X)
c("x.sort(dim=0)[1]", x=X)
c("torch.sort(x, descending=True).indices", x=V)
c("x.topk(2).values", x=V)
c("x.topk(2)[1]", x=V)
c("torch.topk(x, 2, dim=1)[0]", x=X)
c("x.topk(2, largest=False).values", x=V)
c("x.chunk(2)[1]", x=V)
c("x.chunk(2, dim=1)[0]", x=[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
c("torch.chunk(x, 3, dim=1)[2]", x=X)
c("x.split(2)[0]", x=V)
c("x.split(1, dim=1)[2]", x=X)
c("x.unbind()[1]", x=X)
c("x.unbind(1)[2]", x=X)
c("torch.unbind(x, dim=1)[0]", x=X)
c("torch.aminmax(x).min", x=X)
c("torch.aminmax(x, dim=1).max", x=X)
c("torch.std_mean(x)[0]", x=X)
c("torch.std_mean(x, dim=1)[1]", x=X)
c("torch.var_mean(x, dim=0)[0]", x=X)
c("x.median(dim=1).values", x=X)
c("x.median(dim=1)[1]", x=X)
c("x.kthvalue(2, dim=1).values", x=X)
c("x.kthvalue(1)[1]", x=V)
c("x.mode(dim=1)[0]", x=[[1.0, 2.0, 2.0], [3.0, 3.0, 1.0]])
c("x.argmax()", x=X)
c("x.argmax(dim=1)", x=X)
c("x.argmin(dim=0)", x=X)
c("torch.argmax(x, dim=1, keepdim=True)", x=X)
c("torch.max(x, dim=0) + 1", refuse="tuple", x=X)
