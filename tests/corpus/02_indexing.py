"""Indexing, masks, gather/scatter, joining and splitting."""
import torch

x = torch.arange(12).reshape(3, 4)
print(x[0], x[:, 1], x[1:, ::2], x[-1, -1])
print(x[x > 5])
print(x[[0, 2]], x[[0, 1], [1, 2]])
print(torch.where(x % 2 == 0, x, -x))
idx = torch.tensor([[0, 1], [2, 3], [1, 0]])
print(torch.gather(x, 1, idx))
y = x.clone().float()
y[0] = 100
y[:, 3] = torch.tensor([1.0, 2.0, 3.0])
print(y)
print(torch.cat([x, x], dim=0).shape, torch.stack([x, x]).shape)
parts = torch.split(torch.arange(10), 4)
print(parts)
print(torch.chunk(torch.arange(6), 3))
print(x.flatten(), x.flip(0))
z = torch.zeros(3, 5).scatter_(1, torch.tensor([[0], [2], [4]]), 1.0)
print(z)
print(x.masked_fill(x > 8, 0))
print(x.index_select(1, torch.tensor([0, 3])))
print(x.permute(1, 0).contiguous().shape)
