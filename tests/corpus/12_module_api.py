"""Module API: parameters, state_dict, train/eval, Sequential."""
import torch
from torch import nn

torch.manual_seed(0)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3))
print(net)
for name, p in net.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print(sum(p.numel() for p in net.parameters()))
print(list(net.state_dict().keys()))
net.eval()
print(net.training, net[0].training)
out = net(torch.ones(2, 4))
print(out)
net.train()
print(net[2])
net.zero_grad()
print(all(p.grad is None for p in net.parameters()))
print(isinstance(net[0].weight, nn.Parameter), type(net[0].weight))
