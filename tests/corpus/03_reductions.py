"""Reductions, sorting and statistics."""
import torch

torch.manual_seed(0)
x = torch.randn(4, 5)
print(x)
print(x.sum(), x.sum(0), x.sum(dim=1, keepdim=True))
print(x.mean(1), x.std(), x.var(0))
print(x.max(), x.min(dim=1))
print(x.argmax(), x.argmax(1))
v, i = x.sort(dim=1, descending=True)
print(v, i)
print(torch.topk(x[0], 2))
print(x.cumsum(1)[:, -1])
print(x.abs().prod(1))
print(torch.logsumexp(x, dim=1))
print(x.norm(), torch.linalg.vector_norm(x, dim=0))
print((x > 0).sum(), (x > 0).any(), (x > 0).all())
print(torch.median(x), x.amax(dim=(0, 1)))
