# Follow-ups of the index and naming rules, each as PyTorch 2.13 has it: take_along_dim with a dim
# broadcasts and counts a negative index from the end; index_select and index_add name an
# out-of-range position by the input's rank and dim; index_add and index_select of a 0-d input;
# max() of nothing is a RuntimeError; a number bound names ClampBackward1; a loss's weights have no
# edge; 2 * x lists x first; an int beyond 2^53 compares with an int64 tensor where no element is
# the double nearest to it.
# Expected output recorded once from PyTorch 2.13:
#   /work/.venv-torch/bin/python samples/run_index_followups.py > samples/run_index_followups.out
import torch
x = torch.arange(6.).reshape(2, 3)
for f in [lambda: torch.take_along_dim(x, torch.tensor([[-1], [0]]), 1),
          lambda: torch.take_along_dim(x, torch.tensor([[1], [0]]), 0),
          lambda: torch.take_along_dim(torch.zeros(2, 3), torch.tensor([[1, 0]]), 0),
          lambda: torch.take_along_dim(x, torch.tensor([[1.]]), 1),
          lambda: torch.take_along_dim(x, torch.tensor([-1])),
          lambda: torch.zeros(2, 3).index_add(0, torch.tensor([2]), torch.ones(1, 3)),
          lambda: torch.zeros(2, 3).index_add(0, torch.tensor([-1]), torch.ones(1, 3)),
          lambda: torch.zeros(2, 3).index_select(1, torch.tensor([3])),
          lambda: torch.zeros(2, 3).index_select(0, torch.tensor([-1])),
          lambda: torch.zeros(2, 3).index_select(0, torch.tensor([2])),
          lambda: torch.tensor(5.).index_add(0, torch.tensor(0), torch.tensor(1.)),
          lambda: torch.tensor(5.).index_add(0, torch.tensor([0]), torch.tensor([1.])),
          lambda: torch.tensor(5.).index_select(0, torch.tensor([-1])),
          lambda: torch.tensor(5.).index_select(0, torch.tensor([1])),
          lambda: torch.tensor(5.).index_select(0, torch.tensor([0])),
          lambda: torch.zeros(0).max(), lambda: torch.zeros(0).min(), lambda: torch.zeros(0).amax(),
          lambda: torch.ones(2, requires_grad=True).clamp(torch.tensor(0.), 1.).grad_fn.name(),
          lambda: [n for n in torch.nn.functional.binary_cross_entropy_with_logits(torch.ones(2, requires_grad=True), torch.ones(2), weight=torch.ones(2), pos_weight=torch.ones(2)).grad_fn.next_functions],
          lambda: [None if n is None else n.name() for n, _ in (2 * torch.ones(2, requires_grad=True)).grad_fn.next_functions],
          lambda: [None if n is None else n.name() for n, _ in (2 + torch.ones(2, requires_grad=True)).grad_fn.next_functions],
          lambda: torch.tensor([1, 2]) < 2**53 + 1, lambda: torch.tensor([1, 2]) == 2**62 + 1]:
    try:
        print(f())
    except (RuntimeError, IndexError) as e:
        print(type(e).__name__, str(e)[:150])
