"""The errors a learner meets, caught and printed."""
import torch


def show(fn):
    try:
        fn()
    except Exception as e:
        print(type(e).__name__ + ":", e)


x = torch.ones(3, requires_grad=True)
y = (x * 2).sum()
y.backward()
show(lambda: y.backward())
show(lambda: (x * 2).backward())
show(lambda: torch.ones(2, 3) + torch.ones(4, 3))
show(lambda: torch.ones(2, 3) @ torch.ones(2, 3))
show(lambda: torch.ones(3).item())
show(lambda: x.numpy())
show(lambda: x.add_(1))
show(lambda: torch.tensor([[1, 2], [3]]))
show(lambda: torch.ones(2, 3).view(-1, 4))
show(lambda: torch.arange(5)[7])
show(lambda: torch.ones(2, 2).mean(dtype=None) + torch.ones(2).long().mean())
